#ifndef WACHTER_COPENSSL_SHIM_H
#define WACHTER_COPENSSL_SHIM_H
/* OpenSSL 3 (libssl, libcrypto). Declarations only: the Swift wrapper in
   Sources/WachterTLS/OpenSSL.swift owns every call. The static inline functions
   below stand in for macros that Swift cannot import; each one only forwards. */
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

/* SSL_set_tlsext_host_name(3): SNI. */
static inline int wachter_SSL_set_tlsext_host_name(SSL *ssl, const char *name) {
    return SSL_set_tlsext_host_name(ssl, name);
}

/* SSL_CTX_set_min_proto_version(3). */
static inline int wachter_SSL_CTX_set_min_proto_version(SSL_CTX *ctx, int version) {
    return SSL_CTX_set_min_proto_version(ctx, version);
}

/* SSL_CTX_set_mode(3). */
static inline long wachter_SSL_CTX_set_mode(SSL_CTX *ctx, long mode) {
    return SSL_CTX_set_mode(ctx, mode);
}

/* sk_X509_num(3) and sk_X509_value(3), which are macros over OPENSSL_sk_*. */
static inline int wachter_sk_X509_num(const STACK_OF(X509) *stack) {
    return sk_X509_num(stack);
}
static inline X509 *wachter_sk_X509_value(const STACK_OF(X509) *stack, int index) {
    return sk_X509_value(stack, index);
}
static inline void wachter_sk_X509_pop_free(STACK_OF(X509) *stack) {
    sk_X509_pop_free(stack, X509_free);
}
static inline STACK_OF(X509) *wachter_sk_X509_new_null(void) {
    return sk_X509_new_null();
}
static inline int wachter_sk_X509_push(STACK_OF(X509) *stack, X509 *cert) {
    return sk_X509_push(stack, cert);
}

/* sk_GENERAL_NAME_num(3) and sk_GENERAL_NAME_value(3) for subjectAltName;
   GENERAL_NAMES_free(3) frees what X509_get_ext_d2i(3) returned. */
static inline int wachter_sk_GENERAL_NAME_num(const GENERAL_NAMES *names) {
    return sk_GENERAL_NAME_num(names);
}
static inline const GENERAL_NAME *wachter_sk_GENERAL_NAME_value(const GENERAL_NAMES *names, int index) {
    return sk_GENERAL_NAME_value(names, index);
}

/* XN_FLAG_RFC2253 without ASN1_STRFLGS_ESC_MSB, for X509_NAME_print_ex(3):
   RFC 2253 names that keep UTF-8 as it is. */
static inline unsigned long wachter_XN_FLAG_RFC2253_UTF8(void) {
    return XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB;
}

/* SSL_set_tlsext_status_type(3): ask the server to staple an OCSP response. */
static inline long wachter_SSL_set_tlsext_status_type(SSL *ssl, int type) {
    return SSL_set_tlsext_status_type(ssl, type);
}

/* SSL_get_tlsext_status_ocsp_resp(3): the stapled response's DER bytes, owned by
   the connection; returns their length, or -1 when nothing was stapled. */
static inline long wachter_SSL_get_tlsext_status_ocsp_resp(SSL *ssl, const unsigned char **response) {
    return SSL_get_tlsext_status_ocsp_resp(ssl, response);
}

/* sk_OPENSSL_STRING_num(3) and sk_OPENSSL_STRING_value(3), for the OCSP URLs of
   X509_get1_ocsp(3) (freed with X509_email_free(3)). */
static inline int wachter_sk_OPENSSL_STRING_num(const STACK_OF(OPENSSL_STRING) *stack) {
    return sk_OPENSSL_STRING_num(stack);
}
static inline const char *wachter_sk_OPENSSL_STRING_value(const STACK_OF(OPENSSL_STRING) *stack, int index) {
    return sk_OPENSSL_STRING_value(stack, index);
}

/* sk_DIST_POINT_num(3) and sk_DIST_POINT_value(3), for the CRL distribution
   points of X509_get_ext_d2i(3) (freed with CRL_DIST_POINTS_free(3)). */
static inline int wachter_sk_DIST_POINT_num(const CRL_DIST_POINTS *points) {
    return sk_DIST_POINT_num(points);
}
static inline DIST_POINT *wachter_sk_DIST_POINT_value(const CRL_DIST_POINTS *points, int index) {
    return sk_DIST_POINT_value(points, index);
}

/* OPENSSL_free(3). */
static inline void wachter_OPENSSL_free(void *pointer) {
    OPENSSL_free(pointer);
}

#endif
