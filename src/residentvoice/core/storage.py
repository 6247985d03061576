"""Static files with hashed names, compressed, served by WhiteNoise."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    """Hashes and compresses files but leaves the URLs inside CSS as they are.

    GOV.UK Frontend's stylesheet names images for components this site never uses (the Royal
    Arms crest of the GOV.UK footer); the site must not ship them, so they are not collected and
    the references are left alone instead of failing the build.
    """

    patterns = ()
