# shellcheck shell=bash
# Functions to make test certificates with openssl(1); sourced by make-pki and
# scripts/bench/tls. Run them in the PKI directory.

# A date N days from now in the form `openssl ca -startdate` wants.
pki_date() {
    date -u -d "@$(( $(date +%s) + $1 * 86400 ))" +%Y%m%d%H%M%SZ
}

# Writes openssl-ca.cnf and makes the trusted and the untrusted CA pairs.
pki_init() {
    local dir=$1
    mkdir -p "$dir/db"
    : > "$dir/db/index.txt"
    echo 1000 > "$dir/db/serial"
    cat > "$dir/openssl-ca.cnf" <<'EOF'
[ ca ]
default_ca = test_ca
[ test_ca ]
database = db/index.txt
new_certs_dir = db
serial = db/serial
default_md = sha256
policy = any_name
unique_subject = no
copy_extensions = none
email_in_dn = no
[ any_name ]
commonName = optional
organizationName = optional
[ req ]
distinguished_name = req_dn
prompt = no
[ req_dn ]
CN = unused
[ root_ext ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ intermediate_ext ]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ leaf_ext ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = $ENV::PKI_SAN
[ leaf_nosan_ext ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ leaf_ocsp_ext ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = $ENV::PKI_SAN
authorityInfoAccess = OCSP;URI:$ENV::PKI_OCSP
[ leaf_crl_ext ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = $ENV::PKI_SAN
crlDistributionPoints = URI:$ENV::PKI_CRL
[ leaf_both_ext ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = $ENV::PKI_SAN
authorityInfoAccess = OCSP;URI:$ENV::PKI_OCSP
crlDistributionPoints = URI:$ENV::PKI_CRL
[ self_ext ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
subjectAltName = $ENV::PKI_SAN
EOF
    export PKI_SAN=DNS:unused PKI_OCSP=http://127.0.0.1:9/ PKI_CRL=http://127.0.0.1:9/unused.crl
    pki_ca root "/O=Wachter Test/CN=Wachter Test Root" "" trusted-root
    pki_ca intermediate "/O=Wachter Test/CN=Wachter Test Intermediate" root trusted
    pki_ca other-root "/O=Elsewhere/CN=Elsewhere Root" "" other-root
    pki_ca other-intermediate "/O=Elsewhere/CN=Elsewhere Intermediate" other-root other
    cp root.crt ca.pem
}

# pki_ca NAME SUBJECT ISSUER(empty for a root) LABEL
pki_ca() {
    local name=$1 subject=$2 issuer=$3
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$name.key" 2>/dev/null
    openssl req -config openssl-ca.cnf -new -key "$name.key" -subj "$subject" -out "$name.csr"
    if [ -z "$issuer" ]; then
        openssl ca -config openssl-ca.cnf -batch -notext -selfsign -keyfile "$name.key" -in "$name.csr" \
            -out "$name.crt" -extensions root_ext -startdate "$(pki_date -3650)" -enddate "$(pki_date 3650)" 2>/dev/null
    else
        openssl ca -config openssl-ca.cnf -batch -notext -cert "$issuer.crt" -keyfile "$issuer.key" -in "$name.csr" \
            -out "$name.crt" -extensions intermediate_ext -startdate "$(pki_date -1825)" -enddate "$(pki_date 1825)" 2>/dev/null
    fi
    rm -f "$name.csr"
}

# leaf NAME KEYTYPE SAN START-DAYS END-DAYS [SUBJECT] [trusted|other] [DIGEST] [KEYFILE]
# KEYTYPE: rsa, rsa1024, ec. SAN like "DNS:a.test,DNS:b.test", or empty for none.
# PKI_EXT=leaf_ocsp_ext|leaf_crl_ext|leaf_both_ext adds the OCSP responder URL
# ($PKI_OCSP) and/or the CRL distribution point ($PKI_CRL).
# Writes NAME.crt, NAME.key and NAME.pem (leaf then intermediate). With KEYFILE,
# reuses that key instead of making one (the benchmark's thousand leaves share one).
leaf() {
    local name=$1 type=$2 san=$3 start=$4 end=$5 subject=${6:-} chain=${7:-trusted} digest=${8:-sha256} keyfile=${9:-}
    local ca=intermediate extensions=leaf_ext
    [ "$chain" = other ] && ca=other-intermediate
    [ -z "$subject" ] && subject="/CN=${san%%,*}" && subject=${subject/DNS:/}
    [ -z "$san" ] && extensions=leaf_nosan_ext
    extensions=${PKI_EXT:-$extensions}
    if [ -n "$keyfile" ]; then
        cp "$keyfile" "$name.key"
    else
        case $type in
            rsa) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$name.key" 2>/dev/null ;;
            rsa1024) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out "$name.key" 2>/dev/null ;;
            ec) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$name.key" 2>/dev/null ;;
        esac
    fi
    PKI_SAN=${san:-DNS:unused} openssl req -config openssl-ca.cnf -new -key "$name.key" -subj "$subject" -out "$name.csr"
    PKI_SAN=${san:-DNS:unused} openssl ca -config openssl-ca.cnf -batch -notext -md "$digest" -cert "$ca.crt" -keyfile "$ca.key" \
        -in "$name.csr" -out "$name.crt" -extensions "$extensions" \
        -startdate "$(pki_date "$start")" -enddate "$(pki_date "$end")" 2>/dev/null
    cat "$name.crt" "$ca.crt" > "$name.pem"
    rm -f "$name.csr"
}

# selfsigned NAME SAN START-DAYS END-DAYS
selfsigned() {
    local name=$1 san=$2 start=$3 end=$4
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$name.key" 2>/dev/null
    PKI_SAN=$san openssl req -config openssl-ca.cnf -new -key "$name.key" -subj "/CN=${san#DNS:}" -out "$name.csr"
    PKI_SAN=$san openssl ca -config openssl-ca.cnf -batch -notext -selfsign -keyfile "$name.key" -in "$name.csr" \
        -out "$name.crt" -extensions self_ext -startdate "$(pki_date "$start")" -enddate "$(pki_date "$end")" 2>/dev/null
    cp "$name.crt" "$name.pem"
    rm -f "$name.csr"
}

# pki_revoke NAME REASON: marks NAME.crt revoked in the CA database.
pki_revoke() {
    openssl ca -config openssl-ca.cnf -batch -revoke "$1.crt" -crl_reason "$2" -cert intermediate.crt \
        -keyfile intermediate.key 2>/dev/null
}

# pki_crl DAYS OUT: the intermediate's CRL (DER) from the CA database, valid DAYS days.
pki_crl() {
    openssl ca -config openssl-ca.cnf -batch -gencrl -crldays "$1" -cert intermediate.crt -keyfile intermediate.key \
        -out crl.pem 2>/dev/null
    openssl crl -in crl.pem -outform DER -out "$2"
    rm -f crl.pem
}

# pki_ocsp_response NAME OUT [SIGNER]: an OCSP response for NAME.crt from the CA
# database, signed by SIGNER (default: intermediate), valid for a day. It is what
# scripts/tls/ocsp-responder answers, and what nginx staples.
pki_ocsp_response() {
    local name=$1 out=$2 signer=${3:-intermediate}
    openssl ocsp -issuer intermediate.crt -cert "$name.crt" -no_nonce -reqout "$out.req" 2>/dev/null
    openssl ocsp -index db/index.txt -rsigner "$signer.crt" -rkey "$signer.key" -CA intermediate.crt \
        -reqin "$out.req" -respout "$out" -ndays 1 >/dev/null 2>&1
    rm -f "$out.req"
}
