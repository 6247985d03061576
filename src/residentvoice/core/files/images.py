"""Images checked by the dimensions their header declares before a pixel is decoded, then
decoded in full (a JPEG at an eighth of its size, which still reads every byte) so that a
cut-off or corrupted image is refused. Runs in the child process (see `isolation`)."""

from __future__ import annotations

from pathlib import Path

from residentvoice.core.file_problems import Problem

from .archives import DAMAGED, open_source
from .isolation import FileRefusedError
from .limits import LIMITS, FileLimits


def too_large_reason(width: int, height: int, limits: FileLimits = LIMITS) -> str:
    return (
        f"The image is {width:,} × {height:,} pixels ({width * height / 1_000_000:,.1f} million); "
        f"the most allowed is {limits.image_pixels / 1_000_000:,.0f} million pixels. Make it "
        "smaller and upload it again."
    )


def inspect_image(source: Path | str | bytes, *, limits: FileLimits) -> tuple[str, int, int]:
    """A job for the child process: the image's format and size, or a refusal."""
    from PIL import Image

    # The check below, on the size the header declares, replaces Pillow's own (which says
    # nothing of the dimensions); the child's memory limit stands behind both.
    Image.MAX_IMAGE_PIXELS = None
    try:
        with open_source(source) as stream:
            with Image.open(stream) as image:  # reads the header only
                width, height = image.size
                if width * height > limits.image_pixels:
                    raise FileRefusedError(
                        [Problem("", None, None, too_large_reason(width, height, limits))]
                    )
                fmt = image.format or ""
                image.verify()
            stream.seek(0)
            with Image.open(stream) as image:
                image.draft(None, (max(1, width // 8), max(1, height // 8)))
                image.load()
    except (FileRefusedError, MemoryError):
        raise
    except Exception as error:
        # Pillow's decoders raise many kinds of error on bad data (OSError, SyntaxError,
        # struct.error, zlib.error and more): every one means the image cannot be opened.
        raise FileRefusedError([Problem("", None, None, DAMAGED)]) from error
    return fmt, width, height
