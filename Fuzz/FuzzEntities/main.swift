import ConfluenceKM
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    FuzzEntryPoints.entities(Data(bytes: start, count: count))
    return 0
}
