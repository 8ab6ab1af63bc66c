"""Objects in an S3-compatible bucket, downloaded through presigned GET URLs."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from datetime import timedelta
from os import PathLike
from typing import Any

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import ClientError

from podium.storage.base import (
    DEFAULT_EXPIRES_IN,
    SSE_ALGORITHM,
    UPLOAD_EXPIRES_IN,
    BlobNotFound,
    Chunks,
    content_disposition,
    iterate,
    validate_content_type,
    validate_expires_in,
    validate_filename,
    validate_key,
)

PART_SIZE = 8 * 1024 * 1024
READ_CHUNK = 1024 * 1024
_MISSING = ("NoSuchKey", "404", "NotFound")


class S3Store:
    """A bucket on AWS S3 or any S3-compatible server (MinIO, Ceph, R2...).

    boto3 is synchronous: each call runs in a worker thread. `credentials` is
    (access key id, secret access key), or None for boto3's usual chain (environment, instance
    role...). With an `endpoint_url`, buckets are addressed by path, which every S3-compatible
    server understands.
    """

    def __init__(
        self,
        bucket: str,
        endpoint_url: str | None = None,
        region: str | None = None,
        credentials: tuple[str, str] | None = None,
    ):
        self.bucket = bucket
        access_key, secret_key = credentials or (None, None)
        self.client: Any = boto3.session.Session().client(
            "s3",
            endpoint_url=endpoint_url,
            region_name=region,
            aws_access_key_id=access_key,
            aws_secret_access_key=secret_key,
            config=Config(
                signature_version="s3v4",
                s3={"addressing_style": "path" if endpoint_url else "auto"},
                retries={"mode": "standard"},
            ),
        )

    async def put_stream(self, key: str, chunks: Chunks, content_type: str) -> int:
        validate_key(key)
        validate_content_type(content_type)
        buffer = bytearray()
        upload_id: str | None = None
        parts: list[dict[str, Any]] = []
        size = 0
        try:
            async for chunk in iterate(chunks):
                buffer += chunk
                size += len(chunk)
                while len(buffer) >= PART_SIZE:
                    if upload_id is None:
                        created = await self._call(
                            "create_multipart_upload",
                            Bucket=self.bucket,
                            Key=key,
                            ContentType=content_type,
                        )
                        upload_id = created["UploadId"]
                    part = bytes(buffer[:PART_SIZE])
                    del buffer[:PART_SIZE]
                    parts.append(await self._upload_part(key, upload_id, len(parts) + 1, part))
            if upload_id is None:
                # smaller than one part: a single PUT
                await self._call(
                    "put_object",
                    Bucket=self.bucket,
                    Key=key,
                    Body=bytes(buffer),
                    ContentType=content_type,
                )
                return size
            if buffer:
                parts.append(await self._upload_part(key, upload_id, len(parts) + 1, bytes(buffer)))
            await self._call(
                "complete_multipart_upload",
                Bucket=self.bucket,
                Key=key,
                UploadId=upload_id,
                MultipartUpload={"Parts": parts},
            )
        except BaseException:
            if upload_id is not None:
                # an unfinished upload keeps its parts (and their cost) until aborted
                await asyncio.shield(
                    self._call(
                        "abort_multipart_upload", Bucket=self.bucket, Key=key, UploadId=upload_id
                    )
                )
            raise
        return size

    async def put_file(self, key: str, path: str | PathLike[str], content_type: str) -> int:
        validate_key(key)
        validate_content_type(content_type)
        config = TransferConfig(multipart_threshold=PART_SIZE, multipart_chunksize=PART_SIZE)
        # s3transfer uploads in parts above the threshold and aborts the upload on failure

        def upload() -> int:
            self.client.upload_file(
                os.fspath(path),
                self.bucket,
                key,
                ExtraArgs={"ContentType": content_type},
                Config=config,
            )
            return os.path.getsize(path)

        return await asyncio.to_thread(upload)

    async def open(self, key: str) -> AsyncIterator[bytes]:
        validate_key(key)
        try:
            response = await self._call("get_object", Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if _code(exc) in _MISSING:
                raise BlobNotFound(key) from None
            raise
        return _read(response["Body"])

    async def exists(self, key: str) -> bool:
        validate_key(key)
        try:
            await self._call("head_object", Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if _code(exc) in _MISSING:
                return False
            raise
        return True

    async def delete(self, key: str) -> None:
        validate_key(key)
        await self._call("delete_object", Bucket=self.bucket, Key=key)

    def download_url(
        self,
        key: str,
        *,
        filename: str,
        content_type: str,
        expires_in: timedelta = DEFAULT_EXPIRES_IN,
    ) -> str:
        """A presigned GET. S3 answers with the given Content-Type and Content-Disposition.

        The signature is dated by botocore with the machine's clock and the expiry is enforced
        by the S3 server on its own clock, so `podium.clock` does not move these links.
        """
        validate_key(key)
        validate_filename(filename)
        validate_content_type(content_type)
        return self.client.generate_presigned_url(
            "get_object",
            Params={
                "Bucket": self.bucket,
                "Key": key,
                "ResponseContentDisposition": content_disposition(filename),
                "ResponseContentType": content_type,
            },
            ExpiresIn=validate_expires_in(expires_in),
            HttpMethod="GET",
        )

    def upload_url(
        self,
        key: str,
        *,
        content_type: str,
        max_bytes: int,
        expires_in: timedelta = UPLOAD_EXPIRES_IN,
    ) -> str:
        """A presigned PUT (SigV4, query authentication). `Content-Type` and
        `x-amz-server-side-encryption: AES256` are signed headers: S3 refuses a PUT without
        them, or with other values, with 403 SignatureDoesNotMatch; after `expires_in` it
        answers 403 AccessDenied "Request has expired". A presigned PUT cannot bound the body's
        size (S3 only caps one PUT at 5 GB): `max_bytes` is checked by the caller with `size`
        once the object is there. Dated by the machine's clock, like `download_url`."""
        validate_key(key)
        validate_content_type(content_type)
        return self.client.generate_presigned_url(
            "put_object",
            Params={
                "Bucket": self.bucket,
                "Key": key,
                "ContentType": content_type,
                "ServerSideEncryption": SSE_ALGORITHM,
            },
            ExpiresIn=validate_expires_in(expires_in),
            HttpMethod="PUT",
        )

    async def size(self, key: str) -> int | None:
        validate_key(key)
        try:
            response = await self._call("head_object", Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if _code(exc) in _MISSING:
                return None
            raise
        return int(response["ContentLength"])

    async def _upload_part(self, key: str, upload_id: str, number: int, data: bytes) -> dict:
        response = await self._call(
            "upload_part",
            Bucket=self.bucket,
            Key=key,
            UploadId=upload_id,
            PartNumber=number,
            Body=data,
        )
        return {"PartNumber": number, "ETag": response["ETag"]}

    async def _call(self, operation: str, **params: Any) -> Any:
        return await asyncio.to_thread(getattr(self.client, operation), **params)


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


_END = b""


async def _read(body: Any) -> AsyncIterator[bytes]:
    chunks = body.iter_chunks(READ_CHUNK)
    try:
        while chunk := await asyncio.to_thread(next, chunks, _END):
            yield chunk
    finally:
        body.close()
