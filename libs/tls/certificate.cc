#include "libs/tls/certificate.h"

#include <ctime>

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

namespace kc::tls {
namespace {

SystemTime to_time_point(const ASN1_TIME* t) {
  struct tm tm {};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) {
    ERR_clear_error();
    return SystemTime{};
  }
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

std::string name_text(const X509_NAME* name) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253) < 0) {
    ERR_clear_error();
    return {};
  }
  return bio_contents(bio.get());
}

}  // namespace

Certificate::Certificate(X509Ptr x509)
    : x509_(std::move(x509)),
      not_before_(to_time_point(X509_get0_notBefore(x509_.get()))),
      not_after_(to_time_point(X509_get0_notAfter(x509_.get()))) {}

std::string Certificate::subject() const { return name_text(X509_get_subject_name(x509_.get())); }
std::string Certificate::issuer() const { return name_text(X509_get_issuer_name(x509_.get())); }

bool Certificate::is_ca() const { return X509_check_ca(x509_.get()) != 0; }

bool Certificate::self_signed() const {
  return X509_check_issued(x509_.get(), x509_.get()) == X509_V_OK;
}

std::string Certificate::pem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), x509_.get()) != 1) {
    ERR_clear_error();
    return {};
  }
  return bio_contents(bio.get());
}

}  // namespace kc::tls
