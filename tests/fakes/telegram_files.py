"""Files in the fake Telegram Bot API (telegram_server.py): what users sent, ``getFile``,
and the download endpoint, answering as api.telegram.org does."""

import json

BOT_API_DOWNLOAD_LIMIT = 20 * 1024 * 1024  # getFile refuses bigger files
ERRORS = {500: "Internal Server Error", 502: "Bad Gateway"}


class FakeTelegramFiles:
    """Mixed into ``FakeTelegram``: needs its ``lock``, ``files``, ``file_faults``,
    ``downloads`` and ``update()``."""

    # --- files -------------------------------------------------------------------------
    def put_file(self, data: bytes, name: str = "file.bin", *, size: int | None = None) -> str:
        """A file Telegram holds (a user sent it); ``size`` overrides the size reported."""
        with self.lock:
            number = len(self.files) + 1
            file_id = f"BQACAgIAAxkBAAI{number:04d}"
            folder = "photos" if name.endswith((".jpg", ".png")) else "documents"
            self.files[file_id] = {"data": data, "size": len(data) if size is None else size,
                                   "file_unique_id": f"AgAD{number:04d}",
                                   "file_path": f"{folder}/file_{number}{name[name.rfind('.'):]}"}
        return file_id

    def _file_message(self, chat_id, reply_to, caption, **media):
        update = self.update(chat_id, "", reply_to=reply_to)
        message = update["message"]
        del message["text"]
        if caption:
            message["caption"] = caption
        message.update(media)
        return update

    def photo_update(self, chat_id, data, *, reply_to=None, caption=""):
        """A photo as Telegram sends it: several sizes, the largest last."""
        file_id = self.put_file(data, "photo.jpg")
        info = self.files[file_id]
        sizes = [{"file_id": file_id + "-s", "file_unique_id": "AQADs", "file_size": 1200,
                  "width": 90, "height": 67},
                 {"file_id": file_id, "file_unique_id": info["file_unique_id"],
                  "file_size": info["size"], "width": 1280, "height": 960}]
        return self._file_message(chat_id, reply_to, caption, photo=sizes)

    def document_update(self, chat_id, data, name, *, reply_to=None, caption="",
                        mime_type="application/octet-stream", size=None):
        file_id = self.put_file(data, name, size=size)
        info = self.files[file_id]
        return self._file_message(chat_id, reply_to, caption, document={
            "file_id": file_id, "file_unique_id": info["file_unique_id"], "file_name": name,
            "mime_type": mime_type, "file_size": info["size"]})

    def get_file(self, params):
        info = self.files.get(str(params.get("file_id", "")))
        if info is None:
            return 400, {"ok": False, "error_code": 400,
                         "description": "Bad Request: invalid file_id"}
        if info["size"] > BOT_API_DOWNLOAD_LIMIT:
            return 400, {"ok": False, "error_code": 400,
                         "description": "Bad Request: file is too big"}
        return 200, {"ok": True, "result": {
            "file_id": params["file_id"], "file_unique_id": info["file_unique_id"],
            "file_size": info["size"], "file_path": info["file_path"]}}

    def download(self, path):
        """``(status, body bytes, content type)`` of ``GET /file/bot<token>/<path>``."""
        not_found = json.dumps({"ok": False, "error_code": 404,
                                "description": "Not Found"}).encode()
        with self.lock:
            if self.file_faults:
                status = self.file_faults.pop(0)
                return status, json.dumps({"ok": False, "error_code": status,
                                           "description": ERRORS.get(status, "Error")}).encode(), \
                    "application/json"
            for info in self.files.values():
                if info["file_path"] == path:
                    self.downloads.append(path)
                    return 200, info["data"], "application/octet-stream"
        return 404, not_found, "application/json"
