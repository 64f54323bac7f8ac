# ca.sh - a throw-away test CA and server certificates, made at test time
# with the openssl command (OpenSSL 3.0 is enough). Sourced by scenarios.
#
#	ca_init DIR			CA in DIR: ca.crt, ca.key, openssl.cnf
#	ca_csr DIR NAME CN [ARGS]	a key and its certificate request
#	ca_cert DIR NAME KIND [CN]	DIR/NAME.crt and DIR/NAME.key
#	ca_sub DIR NAME CN START END	an intermediate CA
#	ca_leaf_by DIR NAME ISSUER	a certificate from it, and its chain
#	ca_intermediate DIR		the chains the scenarios use
#
# KIND is one of
#	valid		signed by the CA, valid for a year
#	expired		notAfter two days ago
#	notyet		notBefore in thirty days
#	expiring	notAfter in three and a half days
#	selfsigned	self-signed, not from the CA
#	weak		RSA 1024 bit key, signed by the CA, valid
#	cnonly		valid, the name in the subject CN only: no
#			subjectAltName at all
#	sha1		valid, signed by the CA with SHA-1 (ecdsa-with-SHA1)
# CN (default mx.test.example) is also the only subjectAltName; a
# "wrong name" certificate is a valid one made with another CN, a
# partial wildcard one a valid one for "m*.test.example".
# Keys are EC P-256 (fast) except for "weak".

CA_DEFAULT_CN=mx.test.example

# ca_date OFFSET: a GeneralizedTime for "now + OFFSET" (date -d syntax).
ca_date() {
	date -u -d "$1" +%Y%m%d%H%M%SZ
}

ca_init() {
	local dir=$1
	mkdir -p "$dir/newcerts" || return 1
	: >"$dir/index.txt"
	echo 1000 >"$dir/serial"
	cat >"$dir/openssl.cnf" <<EOF
# Minimal configuration so the system openssl.cnf plays no part.
[ req ]
distinguished_name	= req_dn
prompt			= no
[ req_dn ]
CN			= unused
[ ca_ext ]
basicConstraints	= critical, CA:TRUE
keyUsage		= critical, keyCertSign, cRLSign
subjectKeyIdentifier	= hash
[ self_ext ]
basicConstraints	= critical, CA:FALSE
keyUsage		= critical, digitalSignature, keyEncipherment
extendedKeyUsage	= serverAuth
subjectKeyIdentifier	= hash
[ ca ]
default_ca		= test_ca
[ test_ca ]
dir			= $dir
database		= \$dir/index.txt
new_certs_dir		= \$dir/newcerts
serial			= \$dir/serial
certificate		= \$dir/ca.crt
private_key		= \$dir/ca.key
default_md		= sha256
policy			= policy_any
unique_subject		= no
copy_extensions		= copy
email_in_dn		= no
x509_extensions		= srv_ext
[ policy_any ]
commonName		= supplied
[ srv_ext ]
basicConstraints	= critical, CA:FALSE
keyUsage		= critical, digitalSignature, keyEncipherment
extendedKeyUsage	= serverAuth
subjectKeyIdentifier	= hash
authorityKeyIdentifier	= keyid
EOF
	openssl req -config "$dir/openssl.cnf" -x509 -new -nodes \
	    -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
	    -keyout "$dir/ca.key" -out "$dir/ca.crt" \
	    -subj "/CN=smtprobe test CA" -days 3650 -extensions ca_ext \
	    2>"$dir/ca.log" || { cat "$dir/ca.log" >&2; return 1; }
}

# ca_csr DIR NAME CN [REQ-ARGS...]: a new key DIR/NAME.key (EC P-256,
# unless REQ-ARGS give another -newkey) and its request DIR/NAME.csr for
# CN; REQ-ARGS go to openssl req; its output in DIR/NAME.log.
ca_csr() {
	local dir=$1 name=$2 cn=$3 log=$1/$2.log
	shift 3
	case " $* " in
	*" -newkey "*) ;;
	*) set -- -newkey ec -pkeyopt ec_paramgen_curve:P-256 "$@" ;;
	esac
	openssl req -config "$dir/openssl.cnf" -new -nodes "$@" \
	    -keyout "$dir/$name.key" -out "$dir/$name.csr" -subj "/CN=$cn" \
	    2>"$log" || { cat "$log" >&2; return 1; }
}

ca_cert() {
	local dir=$1 name=$2 kind=$3 cn=${4:-$CA_DEFAULT_CN}
	local start end keyopt md=sha256 san="subjectAltName=DNS:$cn"
	local cnf=$dir/openssl.cnf log=$dir/$name.log
	keyopt="-newkey ec -pkeyopt ec_paramgen_curve:P-256"
	case $kind in
	valid)		start=$(ca_date "-1 day"); end=$(ca_date "+365 days") ;;
	cnonly)		start=$(ca_date "-1 day"); end=$(ca_date "+365 days")
			san= ;;
	sha1)		start=$(ca_date "-1 day"); end=$(ca_date "+365 days")
			md=sha1 ;;
	expired)	start=$(ca_date "-400 days"); end=$(ca_date "-2 days") ;;
	notyet)		start=$(ca_date "+30 days"); end=$(ca_date "+400 days") ;;
	expiring)	start=$(ca_date "-30 days"); end=$(ca_date "+84 hours") ;;
	weak)		start=$(ca_date "-1 day"); end=$(ca_date "+365 days")
			keyopt="-newkey rsa:1024" ;;
	selfsigned)
		# shellcheck disable=SC2086
		openssl req -config "$cnf" -x509 -new -nodes $keyopt \
		    -keyout "$dir/$name.key" -out "$dir/$name.crt" \
		    -subj "/CN=$cn" -days 365 -extensions self_ext \
		    -addext "subjectAltName=DNS:$cn" 2>"$log" ||
		    { cat "$log" >&2; return 1; }
		return 0 ;;
	*)	echo "ca_cert: unknown kind $kind" >&2; return 1 ;;
	esac
	# shellcheck disable=SC2086
	ca_csr "$dir" "$name" "$cn" $keyopt ${san:+-addext "$san"} ||
	    return 1
	openssl ca -config "$cnf" -batch -notext -md "$md" \
	    -in "$dir/$name.csr" -out "$dir/$name.crt" -startdate "$start" \
	    -enddate "$end" >>"$log" 2>&1 || { cat "$log" >&2; return 1; }
	chmod 644 "$dir/$name.crt" "$dir/$name.key"
}

# ca_sub DIR NAME CN START END: an intermediate CA, DIR/NAME.crt and
# DIR/NAME.key, issued by the test CA for the dates given (ca_date
# offsets).
ca_sub() {
	local dir=$1 name=$2 cn=$3 log=$1/$2.log
	ca_csr "$dir" "$name" "$cn" || return 1
	openssl ca -config "$dir/openssl.cnf" -batch -notext \
	    -extensions ca_ext -in "$dir/$name.csr" -out "$dir/$name.crt" \
	    -startdate "$(ca_date "$4")" -enddate "$(ca_date "$5")" \
	    >>"$log" 2>&1 || { cat "$log" >&2; return 1; }
}

# ca_leaf_by DIR NAME ISSUER: DIR/NAME.crt and DIR/NAME.key, a server
# certificate for the default name valid for a year, issued by the
# intermediate DIR/ISSUER (ca_sub); DIR/NAME-chain.crt is it followed by
# its issuer, as a server should send it.
ca_leaf_by() {
	local dir=$1 name=$2 iss=$3 log=$1/$2.log
	ca_csr "$dir" "$name" "$CA_DEFAULT_CN" || return 1
	printf '%s\n' \
	    "basicConstraints = critical, CA:FALSE" \
	    "keyUsage = critical, digitalSignature, keyEncipherment" \
	    "extendedKeyUsage = serverAuth" \
	    "subjectAltName = DNS:$CA_DEFAULT_CN" \
	    "authorityKeyIdentifier = keyid" >"$dir/$name.ext"
	openssl x509 -req -in "$dir/$name.csr" -CA "$dir/$iss.crt" \
	    -CAkey "$dir/$iss.key" -set_serial "0x$(openssl rand -hex 8)" \
	    -days 365 -extfile "$dir/$name.ext" -out "$dir/$name.crt" \
	    >>"$log" 2>&1 || { cat "$log" >&2; return 1; }
	cat "$dir/$name.crt" "$dir/$iss.crt" >"$dir/$name-chain.crt" &&
	chmod 644 "$dir/$name.crt" "$dir/$name-chain.crt" "$dir/$name.key"
}

# ca_intermediate DIR: chains through intermediate CAs, for the server
# certificate of the default name:
#	viaint.crt		issued by the intermediate int, sent alone
#				(as a server that forgets the intermediate)
#	viaint-chain.crt	then int, as it should be sent
#	viaint-wrongchain.crt	then int2, another intermediate of the CA
#				(as after the CA moved to a new one)
#	viaold-chain.crt	issued by intold, whose validity ended two
#				days ago, then intold
# with their keys (viaint.key, viaold.key).
ca_intermediate() {
	local dir=$1
	ca_sub "$dir" int "smtprobe test intermediate" "-1 day" "+365 days" &&
	ca_leaf_by "$dir" viaint int &&
	ca_sub "$dir" int2 "smtprobe other intermediate" "-1 day" \
	    "+365 days" &&
	cat "$dir/viaint.crt" "$dir/int2.crt" >"$dir/viaint-wrongchain.crt" &&
	ca_sub "$dir" intold "smtprobe expired intermediate" "-400 days" \
	    "-2 days" &&
	ca_leaf_by "$dir" viaold intold
}

# ca_all DIR: the CA and every certificate the scenarios use.
ca_all() {
	local dir=$1
	ca_init "$dir" &&
	ca_cert "$dir" valid valid &&
	ca_cert "$dir" expired expired &&
	ca_cert "$dir" notyet notyet &&
	ca_cert "$dir" expiring expiring &&
	ca_cert "$dir" wrongname valid other.example &&
	ca_cert "$dir" selfsigned selfsigned &&
	ca_cert "$dir" weak weak &&
	ca_intermediate "$dir"
}
