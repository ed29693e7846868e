/// Media types from a file name's extension, for attachments whose export gives none (Confluence 5.9 site backups
/// write `mediaType: null` and keep it in a ContentProperty that may be missing). A fixed table, no content sniffing:
/// what is guessed is reported (`media-type-guessed`).
enum MediaTypes {
    static let byExtension: [String: String] = [
        "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif", "svg": "image/svg+xml",
        "webp": "image/webp", "bmp": "image/bmp", "tif": "image/tiff", "tiff": "image/tiff", "ico": "image/x-icon",
        "pdf": "application/pdf", "txt": "text/plain", "log": "text/plain", "csv": "text/csv", "md": "text/markdown",
        "html": "text/html", "htm": "text/html", "xml": "application/xml", "json": "application/json",
        "yaml": "application/yaml", "yml": "application/yaml", "zip": "application/zip", "gz": "application/gzip",
        "tar": "application/x-tar", "7z": "application/x-7z-compressed",
        "doc": "application/msword", "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls": "application/vnd.ms-excel", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "ppt": "application/vnd.ms-powerpoint", "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "odt": "application/vnd.oasis.opendocument.text", "ods": "application/vnd.oasis.opendocument.spreadsheet",
        "mp3": "audio/mpeg", "wav": "audio/wav", "mp4": "video/mp4", "mov": "video/quicktime", "webm": "video/webm",
        "drawio": "application/vnd.jgraph.mxfile", "java": "text/x-java", "py": "text/x-python", "sh": "application/x-sh",
    ]

    static func guess(fileName: String) -> String? {
        guard let dot = fileName.lastIndex(of: "."), dot != fileName.startIndex else { return nil }
        return byExtension[fileName[fileName.index(after: dot)...].lowercased()]
    }
}
