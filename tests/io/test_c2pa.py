"""The preview's C2PA manifest: signed with a certificate chain the test makes, declaring the AI edit.

Trust caveat shown here: with a self-made root the manifest validates (the file is unchanged since signing) but
its signing credential is reported untrusted.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest

from movie_builders import Movie, build_movie, run_ned

c2pa = pytest.importorskip("c2pa")
x509 = pytest.importorskip("cryptography.x509")
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID  # noqa: E402

AI_SOURCE_TYPE = "http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia"


def _certificate(subject: str, key, issuer: str, issuer_key, ca: bool) -> x509.Certificate:
    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (x509.CertificateBuilder()
               .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject),
                                        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "NED tests")]))
               .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer),
                                       x509.NameAttribute(NameOID.ORGANIZATION_NAME, "NED tests")]))
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=30))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
               .add_extension(x509.KeyUsage(digital_signature=not ca, key_cert_sign=ca, crl_sign=ca,
                                            content_commitment=False, key_encipherment=False, data_encipherment=False,
                                            key_agreement=False, encipher_only=False, decipher_only=False),
                              critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
                              critical=False))
    if not ca:
        builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


@pytest.fixture(scope="module")
def credentials(tmp_path_factory) -> tuple[Path, Path, Path]:
    """``(chain.pem, signer.key, other.key)``: a test CA, a signer it issued, and a key that is not the signer's."""
    folder = tmp_path_factory.mktemp("c2pa")
    ca_key, signer_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca = _certificate("NED test CA", ca_key, "NED test CA", ca_key, ca=True)
    signer = _certificate("NED test signer", signer_key, "NED test CA", ca_key, ca=False)
    chain = folder / "chain.pem"
    chain.write_bytes(signer.public_bytes(serialization.Encoding.PEM) + ca.public_bytes(serialization.Encoding.PEM))
    paths = []
    for name, key in (("signer.key", signer_key), ("other.key", ec.generate_private_key(ec.SECP256R1()))):
        (folder / name).write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                      serialization.NoEncryption()))
        paths.append(folder / name)
    return chain, paths[0], paths[1]


def _render(folder: Path, out: str, chain: Path, key: Path) -> dict:
    build_movie(folder, Movie("take.mp4", frames=3))
    done = run_ned(folder, "render", "take.mp4", "--emotion", "happy", "--out", str(folder / out), "--preview",
                   "--json", "--c2pa-cert", str(chain), "--c2pa-key", str(key))
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_preview_carries_a_signed_manifest_declaring_the_ai_edit(tmp_path, credentials):
    chain, key, _ = credentials
    summary = _render(tmp_path, "signed", chain, key)
    assert summary["warnings"] == [] and summary["failed_outputs"] == []
    report = json.loads(c2pa.Reader(summary["preview"]).json())
    active = report["manifests"][report["active_manifest"]]
    actions = next(a["data"]["actions"] for a in active["assertions"] if a["label"].startswith("c2pa.actions"))
    assert [a["action"] for a in actions] == ["c2pa.created", "c2pa.edited"]
    assert all(a["digitalSourceType"] == AI_SOURCE_TYPE for a in actions)
    assert "SYNTHETIC CONTENT" in actions[1]["description"]
    assert active["signature_info"]["common_name"] == "NED test signer"
    assert report["validation_state"] == "Valid"
    assert [s["code"] for s in report.get("validation_status", [])] == ["signingCredential.untrusted"]  # the caveat


def test_a_key_that_does_not_match_leaves_the_preview_unsigned_with_a_warning(tmp_path, credentials):
    chain, _, other = credentials
    summary = _render(tmp_path, "unsigned", chain, other)
    assert summary["failed_outputs"] == ["C2PA manifest"] and Path(summary["preview"]).is_file()
    assert any(w.startswith("C2PA manifest not written") for w in summary["warnings"])
    with pytest.raises(c2pa.C2paError):
        c2pa.Reader(summary["preview"])
