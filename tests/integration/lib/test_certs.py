"""Certificates made by a test for its own TLS peers: a CA, and server certificates it signs.
Each lives two days; nothing here is trusted outside the test's temporary directory."""
import os
import subprocess


def openssl(*args):
    subprocess.run(["openssl", *args], check=True, capture_output=True, timeout=60)


def make_ca(directory, name="cusax-test-ca"):
    """(key, certificate) paths of a new self-signed CA called `name`."""
    key, pem = os.path.join(directory, name + ".key"), os.path.join(directory, name + ".pem")
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", pem,
            "-days", "2", "-subj", "/CN=" + name,
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign")
    return key, pem


def make_cert(directory, ca_key, ca_pem, name, alt_names=None):
    """(key, certificate) paths of a server certificate for `name`, signed by the CA;
    alt_names: the subjectAltName value (default: DNS:name)."""
    key, csr, pem = (os.path.join(directory, name + x) for x in (".key", ".csr", ".pem"))
    ext = os.path.join(directory, name + ".ext")
    with open(ext, "w") as f:
        f.write(f"subjectAltName={alt_names or 'DNS:' + name}\nbasicConstraints=CA:FALSE\n"
                "extendedKeyUsage=serverAuth\n")
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr,
            "-subj", "/CN=" + name)
    openssl("x509", "-req", "-in", csr, "-CA", ca_pem, "-CAkey", ca_key, "-CAcreateserial",
            "-out", pem, "-days", "2", "-extfile", ext)
    return key, pem
