"""Optional C2PA manifest on the preview movie, declaring the AI edit (``pip install 'ned-render-node[c2pa]'``).

The manifest says the movie was made from the source by a trained algorithm (``c2pa.created`` with digital source
type ``compositeWithTrainedAlgorithmicMedia``, then ``c2pa.edited`` naming the change). It is signed with the
certificate chain and private key the user supplies (PEM; ES256, an end-entity certificate with
digitalSignature + emailProtection or documentSigning, followed by its issuers). Trust caveat: a validator
trusts the manifest only as far as it trusts the chain's root; with a self-made certificate (as in the tests) it
reports ``signingCredential.untrusted``: the manifest still proves the file is unchanged since signing and who
holds the key, not that anyone vouched for them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ned_core import __version__
from ned_core.exceptions import C2paSigningError
from ned_core.io.atomic import atomic_path
from ned_core.io.provenance import NOTE

#: IPTC digital source type of media a trained model altered.
AI_SOURCE_TYPE = "http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia"


@dataclass(frozen=True)
class C2paConfig:
    """Where the signing credentials are; with ``cert`` None the preview is not signed.

    Attributes:
        cert: PEM certificate chain (signer first, then its issuers).
        key: PEM private key of the signer (PKCS#8).
    """

    cert: Path | None = None
    key: Path | None = None


def manifest(title: str) -> dict:
    """The manifest definition of a preview called ``title``."""
    actions = [{"action": "c2pa.created", "digitalSourceType": AI_SOURCE_TYPE,
                "softwareAgent": {"name": "NED render node", "version": __version__}},
               {"action": "c2pa.edited", "digitalSourceType": AI_SOURCE_TYPE, "description": NOTE}]
    return {"claim_generator_info": [{"name": "NED render node", "version": __version__}], "title": title,
            "assertions": [{"label": "c2pa.actions", "data": {"actions": actions}}]}


def sign_movie(path: Path, config: C2paConfig) -> None:
    """Embed a signed manifest in the MP4 at ``path`` (replaced atomically).

    Raises:
        C2paSigningError: c2pa-python is not installed, the credentials cannot be read, or signing failed.
    """
    try:
        import c2pa
    except ImportError as e:
        raise C2paSigningError(f"{path}: a C2PA manifest needs c2pa-python (pip install "
                               f"'ned-render-node[c2pa]'): {e}") from e
    try:
        cert, key = Path(config.cert).read_bytes(), Path(config.key).read_bytes()
    except (OSError, TypeError) as e:
        raise C2paSigningError(f"{path}: cannot read the C2PA certificate {config.cert} or key {config.key}: {e}") \
            from e
    try:
        signer = c2pa.Signer.from_info(c2pa.C2paSignerInfo(c2pa.C2paSigningAlg.ES256, cert, key, None))
        with atomic_path(path) as tmp:
            c2pa.Builder(json.dumps(manifest(path.name))).sign_file(path, tmp, signer)
    except (c2pa.C2paError, OSError, ValueError) as e:
        raise C2paSigningError(f"{path}: signing the C2PA manifest failed: {e}") from e
