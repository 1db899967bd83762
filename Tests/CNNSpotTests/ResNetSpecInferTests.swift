import XCTest
import CNNSpot

final class ResNetSpecInferTests: XCTestCase {
    private func shapes(_ spec: ResNetSpec) -> [String: [Int]] {
        Dictionary(uniqueKeysWithValues: spec.stateDictShapes.map { ($0.key, $0.shape) })
    }

    func testRecognisesEveryArchitectureAndHead() throws {
        for arch in ResNetSpec.Architecture.allCases {
            for classes in [1, 1000] {
                let spec = ResNetSpec(arch, numClasses: classes)
                let got = try ResNetSpec(inferringFrom: shapes(spec))
                XCTAssertEqual(got, spec)
                XCTAssertEqual(got.mismatches(shapes(spec)), [])
            }
        }
    }

    func testResNet50KeyCountMatchesTorchvision() {
        // torchvision resnet50().state_dict() has 320 entries, 161 parameters.
        let spec = ResNetSpec(.resnet50)
        XCTAssertEqual(spec.stateDictShapes.count, 320)
        XCTAssertEqual(spec.parameterKeys.count, 161)
    }

    func testReportsMissingUnexpectedAndMisShapedKeysByName() {
        var s = shapes(ResNetSpec(.resnet50))
        s["layer3.1.bn2.running_var"] = nil
        s["layer2.0.conv2.weight"] = [128, 128, 3, 1]
        s["head.weight"] = [1, 4]
        let problems = ResNetSpec(.resnet50).mismatches(s)
        XCTAssertEqual(problems.count, 3, problems.joined(separator: "\n"))
        XCTAssertTrue(problems.contains { $0.contains("missing key `layer3.1.bn2.running_var`") })
        XCTAssertTrue(problems.contains { $0.contains("`layer2.0.conv2.weight`: shape [128, 128, 3, 1]") })
        XCTAssertTrue(problems.contains { $0.contains("unexpected key `head.weight`") })
    }

    func testRefusesNonResNet() {
        XCTAssertThrowsError(try ResNetSpec(inferringFrom: ["features.0.weight": [64, 3, 3, 3]], file: "vgg.pth")) { e in
            XCTAssertTrue("\(e)".contains("vgg.pth"))
            XCTAssertTrue("\(e)".contains("fc.weight"))
        }
    }
}
