// kc-helm-render: renders a Helm chart's templates the way `helm template` does, for tests on
// machines without helm: Go's text/template with sprig v3 and Helm's own include, required,
// toYaml (as JSON, which is YAML) and tpl. Values come as JSON (the test converts values.yaml).
//
//   kc-helm-render CHART_DIR VALUES_JSON RELEASE NAMESPACE > rendered.yaml
//
// Prints each rendered template (not _*.tpl, not NOTES.txt) as one YAML document preceded by
// "# Source: <chart>/templates/<file>", like helm. Built with GO111MODULE=off against Debian's
// golang-github-masterminds-sprig-dev.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig"
)

func chartField(chart, field string) string {
	for _, line := range strings.Split(chart, "\n") {
		if strings.HasPrefix(line, field+":") {
			return strings.Trim(strings.TrimSpace(strings.TrimPrefix(line, field+":")), `"`)
		}
	}
	return ""
}

func main() {
	if len(os.Args) != 5 {
		fmt.Fprintln(os.Stderr, "usage: kc-helm-render CHART_DIR VALUES_JSON RELEASE NAMESPACE")
		os.Exit(2)
	}
	dir, valuesFile, release, namespace := os.Args[1], os.Args[2], os.Args[3], os.Args[4]
	chartText, err := os.ReadFile(filepath.Join(dir, "Chart.yaml"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var values map[string]interface{}
	raw, err := os.ReadFile(valuesFile)
	if err == nil {
		err = json.Unmarshal(raw, &values)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "values:", err)
		os.Exit(1)
	}
	name := chartField(string(chartText), "name")
	context := map[string]interface{}{
		"Values": values,
		"Release": map[string]interface{}{
			"Name": release, "Namespace": namespace, "Service": "Helm", "IsInstall": true,
		},
		"Chart": map[string]interface{}{
			"Name": name, "Version": chartField(string(chartText), "version"),
			"AppVersion": chartField(string(chartText), "appVersion"),
		},
	}
	root := template.New(name)
	funcs := sprig.TxtFuncMap()
	funcs["include"] = func(n string, data interface{}) (string, error) {
		var b bytes.Buffer
		err := root.ExecuteTemplate(&b, n, data)
		return b.String(), err
	}
	funcs["required"] = func(msg string, v interface{}) (interface{}, error) {
		if v == nil || v == "" {
			return nil, fmt.Errorf("%s", msg)
		}
		return v, nil
	}
	funcs["toYaml"] = func(v interface{}) string {
		b, err := json.Marshal(v)
		if err != nil {
			return ""
		}
		return string(b)
	}
	funcs["tpl"] = func(text string, data interface{}) (string, error) {
		t, err := root.New("tpl").Parse(text)
		if err != nil {
			return "", err
		}
		var b bytes.Buffer
		err = t.Execute(&b, data)
		return b.String(), err
	}
	root.Funcs(funcs).Option("missingkey=zero")
	files, _ := filepath.Glob(filepath.Join(dir, "templates", "*"))
	sort.Strings(files)
	for _, f := range files {
		text, err := os.ReadFile(f)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		if _, err := root.New(name + "/templates/" + filepath.Base(f)).Parse(string(text)); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	for _, f := range files {
		base := filepath.Base(f)
		if strings.HasPrefix(base, "_") || base == "NOTES.txt" {
			continue
		}
		var b bytes.Buffer
		if err := root.ExecuteTemplate(&b, name+"/templates/"+base, context); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		out := strings.TrimSpace(b.String())
		if out == "" {
			continue
		}
		fmt.Printf("---\n# Source: %s/templates/%s\n%s\n", name, base, out)
	}
}
