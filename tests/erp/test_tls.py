"""TLS to the ERP: an https:// ERP's certificate is checked, against a site's own CA when
the settings name its bundle, and a certificate nobody vouches for is refused at once with
a message saying so.

The live Tryton sits behind a loopback TLS proxy whose certificate a CA made here signs.
"""

import contextlib
import dataclasses
import datetime as dt
import ipaddress
import random
import ssl
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from fault_proxy import FaultProxy

from demo import erp_server
from station.setting_keys import ERP_CA_BUNDLE, ERP_DATABASE, ERP_URL, ERP_USER
from station.settings import Settings
from sync.connector import RetryLater
from sync.tryton.connector import Tryton, tryton_connector
from sync.tryton.rpc import Client, Login

pytestmark = pytest.mark.erp
USES = (
    "digital_signature", "content_commitment", "key_encipherment", "data_encipherment",
    "key_agreement", "key_cert_sign", "crl_sign", "encipher_only", "decipher_only",
)  # fmt: skip
SIGNS_CERTIFICATES = {
    use: use in ("digital_signature", "key_cert_sign", "crl_sign") for use in USES
}


@dataclasses.dataclass(frozen=True)
class SiteCa:
    bundle: Path  # the CA's certificate, as a site hands it out
    chain: Path  # the server's certificate
    key: Path  # the server's key


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


@pytest.fixture(scope="module")
def site_ca(tmp_path_factory: pytest.TempPathFactory) -> SiteCa:
    """A CA of the site's own and a certificate it signs for 127.0.0.1."""
    folder = tmp_path_factory.mktemp("tls")
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("Warehouse site CA"))
        .issuer_name(_name("Warehouse site CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(**SIGNS_CERTIFICATES), critical=True)
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    server = (
        x509.CertificateBuilder()
        .subject_name(_name("erp.site.invalid"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .add_extension(x509.ExtendedKeyUsage([x509.OID_SERVER_AUTH]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    made = SiteCa(folder / "site-ca.pem", folder / "erp.pem", folder / "erp.key")
    made.bundle.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    made.chain.write_bytes(server.public_bytes(serialization.Encoding.PEM))
    made.key.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return made


@pytest.fixture
def https_erp(erp: erp_server.Running, site_ca: SiteCa) -> Iterator[str]:
    """The live Tryton behind TLS on 127.0.0.1: the proxy, faultless, on a TLS socket."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(site_ca.chain, site_ca.key)
    proxy = FaultProxy(erp.station.url, random.Random(0), rate=0, drop_rate=0)
    proxy.socket = context.wrap_socket(proxy.socket, server_side=True)
    with proxy:
        yield proxy.url.replace("http://", "https://")


@contextlib.contextmanager
def _client(erp: erp_server.Running, url: str, ca_bundle: str = "") -> Iterator[Client]:
    client = Client(dataclasses.replace(erp.station, url=url, ca_bundle=ca_bundle))
    try:
        yield client
    finally:
        client.http.close()  # its kept-alive links: no socket left to warn of


def test_an_https_erp_is_trusted_with_the_sites_ca_bundle(
    erp: erp_server.Running, https_erp: str, site_ca: SiteCa, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The system's bundle named in the environment, as on many PCs: the site's still wins.
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", ssl.get_default_verify_paths().openssl_cafile)
    with _client(erp, https_erp, str(site_ca.bundle)) as client:
        client.login()
        assert client.model("stock.location", "search", [["code", "=", "IN"]], 0, 1, None)


def test_an_https_erp_whose_ca_nobody_named_is_refused_at_once(
    erp: erp_server.Running, https_erp: str
) -> None:
    with _client(erp, https_erp) as client:
        started = time.monotonic()
        with pytest.raises(RetryLater, match="the ERP's certificate is not trusted"):
            client.login()
        assert time.monotonic() - started < 5  # refused, not hung
        assert client.session is None


def test_a_ca_bundle_that_is_not_there_is_said_so(erp: erp_server.Running, https_erp: str) -> None:
    missing = "/nonexistent/site-ca.pem"
    with _client(erp, https_erp, missing) as client:
        with pytest.raises(RetryLater) as refused:
            client.login()
        assert f"the CA bundle '{missing}' cannot be used" in str(refused.value)


def test_the_setting_names_the_bundle_the_connector_trusts(
    erp: erp_server.Running, https_erp: str, site_ca: SiteCa
) -> None:
    settings = Settings(
        {
            ERP_URL.key: https_erp,
            ERP_DATABASE.key: erp.station.database,
            ERP_USER.key: erp.station.user,
            ERP_CA_BUNDLE.key: str(site_ca.bundle),
        }
    )
    connector = tryton_connector(settings, [lambda _user, _url: erp.station.password])()
    assert isinstance(connector, Tryton)
    try:
        connector.log_in()
        assert connector.client.session is not None
    finally:
        connector.client.http.close()


def test_a_login_names_no_bundle_by_default() -> None:
    client = Client(Login("https://127.0.0.1:1", "station", "u", "p"))
    assert client.verify is True  # the system's CAs, and the certificate checked
