"""Replies to and from JSON, so a channel post can wait in the outbox across restarts."""

from __future__ import annotations

import base64
from typing import Any

from commands.replies import Attachment, Button, ButtonStyle, Card, Field, Image, Reply, Table, Tone


def reply_to_dict(reply: Reply) -> dict[str, Any]:
    return {
        "text": reply.text,
        "tone": reply.tone.value,
        "ephemeral": reply.ephemeral,
        "notes": list(reply.notes),
        "cards": [
            {
                "title": c.title,
                "description": c.description,
                "footer": c.footer,
                "fields": [[f.name, f.value, f.inline] for f in c.fields],
            }
            for c in reply.cards
        ],
        "tables": [
            {
                "title": t.title,
                "columns": list(t.columns),
                "rows": [list(r) for r in t.rows],
                "numeric": list(t.numeric),
            }
            for t in reply.tables
        ],
        "buttons": [
            {
                "label": b.label,
                "action": b.action,
                "args": b.args,
                "style": b.style.value,
                "owner_id": b.owner_id,
            }
            for b in reply.buttons
        ],
        "images": [
            {"filename": i.filename, "alt": i.alt, "data": base64.b64encode(i.data).decode()}
            for i in reply.images
        ],
        "files": [
            {
                "filename": f.filename,
                "content_type": f.content_type,
                "description": f.description,
                "data": base64.b64encode(f.data).decode(),
            }
            for f in reply.files
        ],
    }


def reply_from_dict(data: dict[str, Any]) -> Reply:
    return Reply(
        text=data.get("text", ""),
        tone=Tone(data.get("tone", "info")),
        ephemeral=data.get("ephemeral", False),
        notes=tuple(data.get("notes", ())),
        cards=tuple(
            Card(
                title=c["title"],
                description=c.get("description", ""),
                footer=c.get("footer", ""),
                fields=tuple(Field(n, v, i) for n, v, i in c.get("fields", ())),
            )
            for c in data.get("cards", ())
        ),
        tables=tuple(
            Table(
                columns=tuple(t["columns"]),
                rows=tuple(tuple(r) for r in t["rows"]),
                title=t.get("title", ""),
                numeric=tuple(t.get("numeric", ())),
            )
            for t in data.get("tables", ())
        ),
        buttons=tuple(
            Button(b["label"], b["action"], b["args"], ButtonStyle(b["style"]), b.get("owner_id"))
            for b in data.get("buttons", ())
        ),
        images=tuple(
            Image(i["filename"], base64.b64decode(i["data"]), i["alt"]) for i in data.get("images", ())
        ),
        files=tuple(
            Attachment(
                f["filename"], base64.b64decode(f["data"]), f["content_type"], f.get("description", "")
            )
            for f in data.get("files", ())
        ),
    )
