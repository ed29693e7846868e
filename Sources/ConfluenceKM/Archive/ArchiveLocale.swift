import Foundation

/// libarchive converts entry names between UTF-8 (ZIP's flag, pax headers) and the thread's locale. Under the C
/// locale a name that is not ASCII has no form at all: the pax writer dereferenced the missing name (SIGSEGV on a
/// title "Überblick"), and a ZIP that flags its names as UTF-8 read back with empty names. Every name this tool
/// reads or writes is UTF-8, so each call that converts names runs under C.UTF-8 on its own thread (`uselocale`),
/// leaving the process's locale alone.
enum ArchiveLocale {
    private nonisolated(unsafe) static let locale: locale_t? = newlocale(LC_CTYPE_MASK, "C.UTF-8", nil)

    static func utf8<T>(_ body: () throws -> T) rethrows -> T {
        guard let locale else { return try body() }
        let previous = uselocale(locale)
        defer { uselocale(previous) }
        return try body()
    }
}
