// swift-tools-version:6.0
import PackageDescription

// Targets, bottom to top (README "Layout" says what each holds):
//   C modules: CDNNL (oneDNN), CJPEG, CPNG, CWebP (system libraries), CImageShims (our C shims),
//     CMPIShim (Open MPI, loaded at run time only under mpirun)
//   three siblings, none depending on another:
//     CNNSpotNN (tensors, oneDNN kernels, layers, architectures, optimisers) on CDNNL
//     CNNSpotImage (decode/encode, Pillow/SciPy/OpenCV-exact image ops, augmentation) on CImageShims
//     CNNSpotCheckpoint (PyTorch .pth without executing pickles, safetensors, JSON text)
//   CNNSpot (detector workflows: detect, eval, train, robustness, spectrum, synth) on the three,
//     CMPIShim and swift-crypto (SHA-256; ARCHITECTURE.md has the build-cost measurement)
//   CNNSpotServer (`cnnspot serve`: Hummingbird) on CNNSpot
//   cnnspot (the command-line tool) on CNNSpot and CNNSpotServer
// Linux only (the system libraries are Debian 12's; glibc's mallopt): no Apple platform is declared.
let v5: [SwiftSetting] = [.swiftLanguageMode(.v5)]

let package = Package(
    name: "CNNSpot",
    products: [
        .library(name: "CNNSpot", targets: ["CNNSpot"]),
        .executable(name: "cnnspot", targets: ["cnnspot"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
        // SHA-256 of model files, dataset listings, shard fingerprints and uploads
        // (CNNSpot/Support/SHA256.swift; ARCHITECTURE.md says why).
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        // The HTTP server (`cnnspot serve`, target CNNSpotServer).
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.1"),
        // Tests only: parses the Kubernetes manifests of docs/scale.
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1")
    ],
    targets: [
        .systemLibrary(name: "CDNNL", path: "Sources/CDNNL"),
        .systemLibrary(name: "CJPEG", path: "Sources/CJPEG"),
        .systemLibrary(name: "CPNG", path: "Sources/CPNG"),
        .systemLibrary(name: "CWebP", path: "Sources/CWebP"),
        // No unsafe flags (the package stays usable as a dependency): release builds compile C at -O2
        // already (checked with `swift build -c release -v`); debug builds run the shims unoptimised.
        .target(
            name: "CImageShims", dependencies: ["CJPEG", "CPNG", "CWebP"], path: "Sources/CImageShims",
            // The module maps' `link` lines only autolink into Swift importers; the C shims
            // call the libraries directly, so link them explicitly.
            linkerSettings: [
                .linkedLibrary("jpeg"), .linkedLibrary("png16"), .linkedLibrary("webp"),
                .linkedLibrary("webpdemux"), .linkedLibrary("gif"), .linkedLibrary("tiff")
            ]),
        .target(name: "CNNSpotNN", dependencies: ["CDNNL"], swiftSettings: v5),
        .target(name: "CNNSpotImage", dependencies: ["CImageShims"], swiftSettings: v5),
        .target(name: "CNNSpotCheckpoint", dependencies: [.product(name: "ZIPFoundation", package: "ZIPFoundation")], swiftSettings: v5),
        // Open MPI through dlopen (data-parallel training under mpirun); no link-time dependency.
        .target(name: "CMPIShim", path: "Sources/CMPIShim"),
        .target(
            name: "CNNSpot",
            dependencies: [
                "CNNSpotNN", "CNNSpotImage", "CNNSpotCheckpoint", "CMPIShim",
                .product(name: "Crypto", package: "swift-crypto")
            ], swiftSettings: v5),
        .target(
            name: "CNNSpotServer",
            dependencies: [
                "CNNSpot",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "MultipartKit", package: "multipart-kit")
            ], swiftSettings: v5),
        .executableTarget(
            name: "cnnspot",
            dependencies: [
                "CNNSpot", "CNNSpotServer", .product(name: "ArgumentParser", package: "swift-argument-parser")
            ], swiftSettings: v5),
        // Shared by every test target: the repository root, fixtures and shared-data paths.
        .target(name: "CNNSpotTestSupport", path: "Tests/CNNSpotTestSupport", swiftSettings: v5),
        .testTarget(name: "CNNSpotNNTests", dependencies: ["CNNSpotTestSupport", "CNNSpotNN"], swiftSettings: v5),
        // Crypto: the SHA-256 of expected pixels and bytes (the image tests need nothing of CNNSpot).
        .testTarget(
            name: "CNNSpotImageTests",
            dependencies: [
                "CNNSpotTestSupport", "CNNSpotImage",
                .product(name: "Crypto", package: "swift-crypto")
            ], swiftSettings: v5),
        .testTarget(name: "CNNSpotCheckpointTests", dependencies: ["CNNSpotTestSupport", "CNNSpotCheckpoint"], swiftSettings: v5),
        .testTarget(name: "CNNSpotTests", dependencies: ["CNNSpotTestSupport", "CNNSpot"], swiftSettings: v5),
        .testTarget(name: "CLITests", dependencies: ["CNNSpotTestSupport", "cnnspot", "CNNSpot", .product(name: "Yams", package: "Yams")], swiftSettings: v5),
        .testTarget(
            name: "CNNSpotServerTests",
            dependencies: [
                "CNNSpotTestSupport", "CNNSpotServer", "CNNSpot", "cnnspot",
                .product(name: "HummingbirdTesting", package: "hummingbird")
            ], swiftSettings: v5)
    ]
)
