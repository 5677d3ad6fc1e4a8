{{- define "kconnect-operator.name" -}}kconnect-operator{{- end -}}

{{- define "kconnect-operator.labels" -}}
app.kubernetes.io/name: kconnect-operator
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: kconnect
{{- end -}}

{{- define "kconnect-operator.selector" -}}
app.kubernetes.io/name: kconnect-operator
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "kconnect-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{ default "kconnect-operator" .Values.serviceAccount.name }}
{{- else -}}
{{ default "default" .Values.serviceAccount.name }}
{{- end -}}
{{- end -}}
