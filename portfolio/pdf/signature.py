"""The provider's signature on a finished PDF (PAdES, with pyHanko), and checking one.

By default a key and a self-signed certificate are generated once into ``instance/signing/``
(created exclusively, so two workers starting at once agree on one key). A provider with a real
certificate sets PDF_SIGNING_KEY and PDF_SIGNING_CERT (PEM files) and, if the key is encrypted,
PDF_SIGNING_PASSPHRASE. Any PDF reader then shows whether the file changed since it was signed.
"""

import asyncio
import io
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import current_app

KEY_FILE, CERT_FILE = "key.pem", "cert.pem"


def _paths() -> tuple[Path, Path]:
    config = current_app.config
    if config.get("PDF_SIGNING_KEY") and config.get("PDF_SIGNING_CERT"):
        return Path(config["PDF_SIGNING_KEY"]), Path(config["PDF_SIGNING_CERT"])
    folder = Path(current_app.instance_path) / "signing"
    key, cert = folder / KEY_FILE, folder / CERT_FILE
    if not cert.exists():
        _generate(folder, key, cert)
    return key, cert


def _generate(folder: Path, key_path: Path, cert_path: Path) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    folder.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, current_app.config["PDF_SIGNER_NAME"]),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "NOS evidence portfolio"),
        ]
    )
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365 * 20))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    try:  # exclusive: if another worker got here first, keep theirs
        fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "wb") as handle:
        handle.write(key_pem)
    temporary = cert_path.with_suffix(".tmp")
    temporary.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    temporary.replace(cert_path)


def _run(coroutine):
    """Run one of pyHanko's coroutines to the end, also from a thread whose event loop is
    already running (a caller that is itself asynchronous): then on a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def certificate_pem() -> bytes:
    """The signing certificate, for verifiers that trust it."""
    return _paths()[1].read_bytes()


def sign(pdf: bytes) -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    key, cert = _paths()
    passphrase = current_app.config.get("PDF_SIGNING_PASSPHRASE")
    signer = signers.SimpleSigner.load(
        str(key), str(cert), key_passphrase=passphrase.encode() if passphrase else None
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    metadata = signers.PdfSignatureMetadata(
        field_name="ProviderSignature",
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason="Portfolio issued by the training provider",
        name=current_app.config["PDF_SIGNER_NAME"],
    )
    out = io.BytesIO()
    _run(signers.async_sign_pdf(writer, metadata, signer=signer, output=out))
    return out.getvalue()


@dataclass
class SignatureCheck:
    signed: bool
    intact: bool = False
    valid: bool = False
    trusted: bool = False
    covers_whole_file: bool = False
    signer: str = ""
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.signed and self.intact and self.valid and self.covers_whole_file


def check(pdf: bytes, trusted_pem: bytes | None = None) -> SignatureCheck:
    """Is the PDF signed, unchanged since, and (given the certificate) by whom we trust?"""
    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import async_validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(pdf))
        signatures = reader.embedded_signatures
    except Exception as error:  # noqa: BLE001 - any parse failure means "not a readable PDF"
        return SignatureCheck(False, problem=f"it cannot be read as a PDF ({error})")
    if not signatures:
        return SignatureCheck(False, problem="it has no signature")
    context = None
    if trusted_pem:
        import tempfile

        with tempfile.NamedTemporaryFile(suffix=".pem") as handle:
            handle.write(trusted_pem)
            handle.flush()
            context = ValidationContext(trust_roots=[load_cert_from_pemder(handle.name)])
    status = _run(async_validate_pdf_signature(signatures[-1], context))
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    return SignatureCheck(
        True,
        intact=status.intact,
        valid=status.valid,
        trusted=status.trusted,
        covers_whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        signer=status.signing_cert.subject.human_friendly,
    )
