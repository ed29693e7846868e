// swift-tools-version:6.0
import Foundation
import PackageDescription

let package = Package(
    name: "confluence-km",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "ConfluenceKM", targets: ["ConfluenceKM"]),
        .executable(name: "confluence-km", targets: ["confluence-km"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.0"..<"4.0.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CArchive",
            pkgConfig: "libarchive",
            providers: [.apt(["libarchive-dev"])]
        ),
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        // No pkgConfig: Debian's libcmark-gfm.pc asks for -lcmark-gfm-extensions, which has no unversioned .so.
        .systemLibrary(
            name: "CCmarkGFM",
            providers: [.apt(["libcmark-gfm-dev"])]
        ),
        // renameat2(2) and other Linux calls Swift's Glibc module does not export.
        .target(name: "CSystem"),
        .target(
            name: "ConfluenceKMHTML",
            dependencies: ["ConfluenceKM", "CCmarkGFM"]
        ),
        .target(
            name: "ConfluenceKM",
            dependencies: [
                "CArchive",
                "CLibXML2",
                "CCmarkGFM",
                "CSystem",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
            ],
            linkerSettings: [.unsafeFlags(["-Xlinker", "-l:libcmark-gfm-extensions.so.0.29.0.gfm.6"])]
        ),
        .target(
            name: "ConfluenceKMCLI",
            dependencies: [
                "ConfluenceKM",
                "ConfluenceKMHTML",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "confluence-km",
            dependencies: ["ConfluenceKMCLI"]
        ),
        .testTarget(
            name: "ConfluenceKMTests",
            dependencies: ["ConfluenceKM", "ConfluenceKMCLI", "ConfluenceKMHTML"]
        ),
    ]
)

// libFuzzer targets, only when CKM_FUZZ is set (make fuzz): built with -sanitize=fuzzer, which brings its own main.
if ProcessInfo.processInfo.environment["CKM_FUZZ"] != nil {
    package.targets.append(.target(name: "FuzzSupport", path: "Fuzz/FuzzSupport"))
    for name in ["FuzzBody", "FuzzWiki", "FuzzEntities", "FuzzArchive", "FuzzURL", "FuzzApply", "FuzzPreview"] {
        package.targets.append(.executableTarget(
            name: name, dependencies: (name == "FuzzPreview" ? ["ConfluenceKM", "ConfluenceKMHTML"] : ["ConfluenceKM"]) + ["FuzzSupport"],
            path: "Fuzz/\(name)", swiftSettings: [.unsafeFlags(["-parse-as-library"])]))
    }
}
