import ConfluenceKM
import Foundation
import FuzzSupport

/// libFuzzer calls this with each input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    FuzzEntryPoints.wiki(Data(bytes: start, count: count))
    return 0
}

/// SwiftPM names an executable's entry point <module>_main; it hands over to libFuzzer's driver.
@_cdecl("FuzzWiki_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzTestOneInput)
}
