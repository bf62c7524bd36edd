"""RSA keys for the tests of GitHub App auth, made once per process.

A 2048-bit key takes tens of milliseconds to make. Made at import, they are
made once for the whole suite, and once for all of `make mutation`: mutmut's
runs fork from a process that has imported the tests.
"""

from __future__ import annotations

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

APP_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)  # one GitHub does not know
APP_KEY_PEM = APP_KEY.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                    serialization.NoEncryption()).decode()
