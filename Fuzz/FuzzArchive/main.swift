import ConfluenceKM
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    FuzzEntryPoints.archive(Data(bytes: start, count: count), scratch: "/dev/shm")
    return 0
}
