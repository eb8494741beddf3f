"""A console reply's images and files, saved to a folder, since a terminal cannot show them."""

from __future__ import annotations

from pathlib import Path

from commands.replies import Attachment, Image, Reply


class FileSaver:
    """Writes each upload under `directory`; a name already taken gets a -2, -3 ... suffix,
    so last week's chart is kept beside this week's rather than overwritten."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def save(self, reply: Reply) -> dict[str, Path]:
        saved: dict[str, Path] = {}
        uploads: tuple[Image | Attachment, ...] = (*reply.images, *reply.files)
        if not uploads:
            return saved
        self.directory.mkdir(parents=True, exist_ok=True)
        for upload in uploads:
            # Only the name's last part: a filename can never climb out of the folder.
            name = Path(upload.filename).name or "file"
            path = self.directory / name
            counter = 2
            while path.exists():
                path = self.directory / f"{Path(name).stem}-{counter}{Path(name).suffix}"
                counter += 1
            path.write_bytes(upload.data)
            saved[upload.filename] = path.resolve()
        return saved
