"""A Reply's images and files as Slack file uploads (files:write).

Slack shows an image only if it was uploaded; Block Kit cannot carry bytes. slack_sdk's
`files_upload_v2` does the three steps (files.getUploadURLExternal, the upload URL,
files.completeUploadExternal) and shares every file of a reply in one go.

Files cannot be ephemeral in Slack, so a private reply's files (a member's own export)
go to the member's direct messages with the app instead of the channel.
"""

from __future__ import annotations

from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from commands.replies import Attachment, Image, Reply

#: files.completeUploadExternal shares at most this many files at a time.
MAX_FILES_PER_UPLOAD = 10


def has_uploads(reply: Reply) -> bool:
    return bool(reply.images or reply.files)


def file_uploads(reply: Reply) -> list[dict[str, Any]]:
    """files_upload_v2's `file_uploads` items: images with their alt text, then plain files."""
    items: list[dict[str, Any]] = []
    uploads: tuple[Image | Attachment, ...] = (*reply.images, *reply.files)
    for upload in uploads:
        item: dict[str, Any] = {"content": upload.data, "filename": upload.filename, "title": upload.filename}
        if isinstance(upload, Image):
            item["alt_txt"] = upload.alt[:1000]
        elif upload.description:
            item["title"] = upload.description[:250]
        items.append(item)
    return items


async def upload_to_channel(client: AsyncWebClient, channel_id: str, reply: Reply) -> int:
    """Share every image and file of `reply` in `channel_id`; returns how many were shared."""
    items = file_uploads(reply)
    for start in range(0, len(items), MAX_FILES_PER_UPLOAD):
        await client.files_upload_v2(
            file_uploads=items[start : start + MAX_FILES_PER_UPLOAD], channel=channel_id
        )
    return len(items)


async def upload_privately(client: AsyncWebClient, user_id: str, reply: Reply) -> str:
    """Share `reply`'s files in the user's direct messages with the app; returns that channel."""
    opened = await client.conversations_open(users=user_id)
    channel_id = str(opened["channel"]["id"])
    await upload_to_channel(client, channel_id, reply)
    return channel_id
