"""Where attachment files live: ``ATTACHMENTS_STORAGE`` = ``local`` (a private folder,
the default) or ``s3`` (a private bucket of any S3-compatible store, through
django-storages). Read by settings.py; a function, so a test can build it from its
own environment."""

from django.core.exceptions import ImproperlyConfigured


def attachments_storage_config(env, *, local_dir) -> dict:
    """The ``STORAGES["attachments"]`` entry the environment asks for."""
    kind = env.str("ATTACHMENTS_STORAGE", default="local")
    if kind == "local":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": local_dir, "base_url": None,
                            # Owner-only: no other account on the server reads them.
                            "file_permissions_mode": 0o600,
                            "directory_permissions_mode": 0o700}}
    if kind != "s3":
        raise ImproperlyConfigured(f"ATTACHMENTS_STORAGE={kind!r}: expected 'local' or 's3'.")
    bucket = env.str("ATTACHMENTS_S3_BUCKET", default="")
    if not bucket:
        raise ImproperlyConfigured(
            "ATTACHMENTS_STORAGE=s3 needs ATTACHMENTS_S3_BUCKET (and, for a store other "
            "than AWS, ATTACHMENTS_S3_ENDPOINT_URL and the keys): see README, «Хранение файлов».")
    acl = env.str("ATTACHMENTS_S3_ACL", default="private")

    def optional(name):
        return env.str(name, default="") or None

    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": optional("ATTACHMENTS_S3_ENDPOINT_URL"),
            "access_key": optional("ATTACHMENTS_S3_ACCESS_KEY"),
            "secret_key": optional("ATTACHMENTS_S3_SECRET_KEY"),
            "region_name": optional("ATTACHMENTS_S3_REGION"),
            "addressing_style": optional("ATTACHMENTS_S3_ADDRESSING_STYLE"),
            "location": env.str("ATTACHMENTS_S3_PREFIX", default=""),
            # Private objects and no signed links: our view streams every file itself.
            # "none" sends no ACL at all, for buckets whose ACLs are switched off.
            "default_acl": None if acl == "none" else acl,
            "querystring_auth": False,
            # A name is never reused: an upload can never replace another's file.
            "file_overwrite": False,
        },
    }
