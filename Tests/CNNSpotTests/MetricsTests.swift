import Foundation
import XCTest
import CNNSpot

/// Compares every metric with scikit-learn 1.9.1 on the score sets of
/// `Fixtures/metrics/metrics_cases.json` (written by scripts/fixtures/make_metrics_fixtures.py).
final class MetricsTests: XCTestCase {
    struct Case {
        let name: String
        let json: [String: Any]
        // Floats are stored as Python repr text: Double(String) reads them back bit-exactly.
        var scores: [Double] { doubles("scores") }
        var labels: [Int] { (json["labels"] as! [NSNumber]).map(\.intValue) }
        func double(_ key: String) -> Double? { MetricsTests.parse(json[key]) }
        func doubles(_ key: String) -> [Double] { (json[key] as! [String]).map { Double($0)! } }
    }

    static func parse(_ v: Any?) -> Double? { (v as? String).flatMap(Double.init) }

    static let cases: [Case] = {
        let url = TestPaths.fixtures.appendingPathComponent("metrics_cases.json")
        let data = try! Data(contentsOf: url)
        let top = try! JSONSerialization.jsonObject(with: data) as! [String: Any]
        return (top["cases"] as! [[String: Any]]).map { Case(name: $0["name"] as! String, json: $0) }
    }()

    func testFixtureCoverage() {
        XCTAssertGreaterThanOrEqual(Self.cases.count, 17)
        XCTAssertTrue(Self.cases.contains { $0.name == "one_class_real" })
        XCTAssertTrue(Self.cases.contains { $0.name == "heavy_ties_3values" })
    }

    func testAveragePrecisionMatchesSklearn() throws {
        var worst = 0.0
        for c in Self.cases {
            let data = try LabeledScores(scores: c.scores, labels: c.labels)
            if data.fakeCount == 0 {
                // sklearn warns and returns 0.0: we refuse with a reason instead.
                XCTAssertEqual(c.double("ap"), 0.0, c.name)
                XCTAssertTrue(c.json["ap_warned"] as! Bool, c.name)
                XCTAssertThrowsError(try Metrics.averagePrecision(data), c.name) { e in
                    guard case MetricsError.undefined(let m, let reason) = e else { return XCTFail("\(e)") }
                    XCTAssertEqual(m, "average precision"); XCTAssertTrue(reason.contains("no fake"))
                }
                continue
            }
            let ap = try Metrics.averagePrecision(data)
            let expected = try XCTUnwrap(c.double("ap"), c.name)
            worst = max(worst, abs(ap - expected))
            XCTAssertEqual(ap, expected, accuracy: 1e-12, c.name)
        }
        print("average precision: worst |error| vs sklearn \(worst)")
    }

    func testRocAUCAndCurveMatchSklearn() throws {
        var worstAUC = 0.0
        for c in Self.cases {
            let data = try LabeledScores(scores: c.scores, labels: c.labels)
            guard data.hasBothClasses else {
                XCTAssertNil(c.double("auc"), "sklearn returns NaN: \(c.name)")
                XCTAssertTrue(c.json["auc_warned"] as! Bool, c.name)
                XCTAssertThrowsError(try Metrics.rocAUC(data), c.name)
                XCTAssertThrowsError(try Metrics.rocCurve(data), c.name)
                continue
            }
            let auc = try Metrics.rocAUC(data)
            worstAUC = max(worstAUC, abs(auc - c.double("auc")!))
            XCTAssertEqual(auc, c.double("auc")!, accuracy: 1e-12, c.name)
            let roc = try Metrics.rocCurve(data)
            let fpr = c.doubles("roc_fpr"), tpr = c.doubles("roc_tpr")
            XCTAssertEqual(roc.falsePositiveRates.count, fpr.count, "\(c.name): number of ROC points")
            XCTAssertEqual(roc.falsePositiveRates, fpr, c.name)  // same divisions: bit-identical
            XCTAssertEqual(roc.truePositiveRates, tpr, c.name)
            XCTAssertEqual(roc.thresholds.first, .infinity, c.name)
            XCTAssertEqual(Array(roc.thresholds.dropFirst()), c.doubles("roc_thresholds_after_inf"), c.name)
        }
        print("ROC AUC: worst |error| vs sklearn \(worstAUC)")
    }

    func testAccuraciesAndCountsMatchSklearn() throws {
        for c in Self.cases {
            let data = try LabeledScores(scores: c.scores, labels: c.labels)
            for t in [0.5, 0.3] {
                let ref = c.json["at_\(t)"] as! [String: Any]
                let got = Metrics.counts(data, threshold: t)
                XCTAssertEqual(got.trueNegatives, (ref["tn"] as! NSNumber).intValue, c.name)
                XCTAssertEqual(got.falsePositives, (ref["fp"] as! NSNumber).intValue, c.name)
                XCTAssertEqual(got.falseNegatives, (ref["fn"] as! NSNumber).intValue, c.name)
                XCTAssertEqual(got.truePositives, (ref["tp"] as! NSNumber).intValue, c.name)
                XCTAssertEqual(got.accuracy, Self.parse(ref["accuracy"])!, accuracy: 1e-15, c.name)
                XCTAssertEqual(got.realAccuracy, Self.parse(ref["real_accuracy"]), c.name)
                XCTAssertEqual(got.fakeAccuracy, Self.parse(ref["fake_accuracy"]), c.name)
                if let b = Self.parse(ref["balanced_accuracy"]) {
                    XCTAssertEqual(try XCTUnwrap(got.balancedAccuracy), b, accuracy: 1e-15, c.name)
                } else {
                    XCTAssertNil(got.balancedAccuracy, c.name)
                }
            }
        }
    }

    func testEERAndOperatingPointsMatchNumpyReference() throws {
        var worstEER = 0.0
        for c in Self.cases {
            let data = try LabeledScores(scores: c.scores, labels: c.labels)
            guard data.hasBothClasses else {
                XCTAssertThrowsError(try Metrics.equalErrorRate(data), c.name)
                XCTAssertThrowsError(try Metrics.bestBalancedAccuracy(data), c.name)
                continue
            }
            let eer = try Metrics.equalErrorRate(data)
            worstEER = max(worstEER, abs(eer.rate - c.double("eer")!))
            XCTAssertEqual(eer.rate, c.double("eer")!, accuracy: 1e-12, c.name)
            // At the reported threshold the error rates straddle the EER point.
            let at = Metrics.counts(data, threshold: eer.threshold)
            XCTAssertGreaterThanOrEqual(1 - at.realAccuracy!, 1 - at.fakeAccuracy! - 1e-12, c.name)

            for (target, key) in [(0.01, "tpr_at_fpr_0.01"), (0.05, "tpr_at_fpr_0.05")] {
                let p = try Metrics.operatingPoint(data, maxFalsePositiveRate: target)
                XCTAssertEqual(p.truePositiveRate, c.double(key)!, c.name)
                XCTAssertLessThanOrEqual(p.falsePositiveRate, target, c.name)
            }
            for target in [0.05, 0.1] {
                let p = try Metrics.operatingPoint(data, maxFalsePositiveRate: target)
                XCTAssertEqual(p.threshold, c.double("threshold_fpr_\(target)")!, "\(c.name): lowest threshold with FPR <= \(target)")
                XCTAssertEqual(p.truePositiveRate, c.double("threshold_fpr_\(target)_tpr")!, c.name)
                // The threshold reproduces the point with `score > threshold`.
                let counts = Metrics.counts(data, threshold: p.threshold)
                XCTAssertEqual(1 - counts.realAccuracy!, p.falsePositiveRate, accuracy: 1e-15, c.name)
            }
            let best = try Metrics.bestBalancedAccuracy(data)
            XCTAssertEqual(best.balancedAccuracy, c.double("best_balanced_accuracy")!, accuracy: 1e-15, c.name)
            XCTAssertEqual(
                Metrics.counts(data, threshold: best.threshold).balancedAccuracy!, best.balancedAccuracy,
                accuracy: 1e-15, "\(c.name): threshold reproduces the best balanced accuracy")
        }
        print("EER: worst |error| vs numpy/SciPy reference \(worstEER)")
    }

    func testBestAccuracyIsMaximalOverAllThresholds() throws {
        for c in Self.cases where c.name.hasPrefix("random") || c.name.hasPrefix("ties") {
            let data = try LabeledScores(scores: c.scores, labels: c.labels)
            let best = try Metrics.bestAccuracy(data)
            let brute = Set(c.scores + [c.scores.min()!.nextDown]).map { Metrics.counts(data, threshold: $0).accuracy }.max()!
            XCTAssertEqual(best.accuracy, brute, c.name)
            XCTAssertEqual(Metrics.counts(data, threshold: best.threshold).accuracy, best.accuracy, c.name)
        }
    }

    func testFloatScoresAreWidenedExactly() throws {
        let c = Self.cases.first { $0.name == "float32_sigmoid" }!
        let floats = c.scores.map { Float($0) }
        XCTAssertEqual(floats.map(Double.init), c.scores, "the fixture holds float32 values")
        XCTAssertEqual(try Metrics.averagePrecision(scores: floats, labels: c.labels), c.double("ap")!, accuracy: 1e-12)
        XCTAssertEqual(try Metrics.rocAUC(scores: floats, labels: c.labels), c.double("auc")!, accuracy: 1e-12)
    }

    func testSummaryCollectsReasons() throws {
        let oneClass = BinaryEvaluation(try LabeledScores(scores: [0.1, 0.9], labels: [0, 0]))
        XCTAssertNil(oneClass.averagePrecision)
        XCTAssertNil(oneClass.rocAUC)
        XCTAssertEqual(oneClass.atThreshold.falsePositives, 1)
        XCTAssertFalse(oneClass.notes.isEmpty)
        XCTAssertTrue(oneClass.notes.joined().contains("no fake"), oneClass.notes.joined())
        let allFake = BinaryEvaluation(try LabeledScores(scores: [0.1, 0.9], labels: [1, 1]))
        XCTAssertEqual(allFake.averagePrecision, 1.0, "sklearn returns 1.0 without warning")
        XCTAssertNil(allFake.rocAUC)
        let c = Self.cases.first { $0.name == "informative_n400" }!
        let full = BinaryEvaluation(try LabeledScores(scores: c.scores, labels: c.labels))
        XCTAssertEqual(full.averagePrecision!, c.double("ap")!, accuracy: 1e-12)
        XCTAssertEqual(full.equalErrorRate!.rate, c.double("eer")!, accuracy: 1e-12)
        XCTAssertEqual(full.atFPR5Percent!.truePositiveRate, c.double("tpr_at_fpr_0.05")!)
        XCTAssertTrue(full.notes.isEmpty, full.notes.joined())
    }

    func testBadInputIsRejectedWithReasons() {
        XCTAssertThrowsError(try LabeledScores(scores: [0.1], labels: [0, 1])) {
            XCTAssertEqual($0 as? MetricsError, .lengthMismatch(scores: 1, labels: 2))
        }
        XCTAssertThrowsError(try LabeledScores(scores: [Double](), labels: [])) { XCTAssertEqual($0 as? MetricsError, .empty) }
        XCTAssertThrowsError(try LabeledScores(scores: [0.1, 0.2], labels: [0, 2])) {
            XCTAssertEqual($0 as? MetricsError, .invalidLabel(index: 1, value: 2))
            XCTAssertTrue("\($0)".contains("index 1"))
        }
        XCTAssertThrowsError(try LabeledScores(scores: [0.1, .nan], labels: [0, 1])) {
            guard case MetricsError.nonFiniteScore(let i, _) = $0 else { return XCTFail("\($0)") }
            XCTAssertEqual(i, 1)
        }
        XCTAssertThrowsError(
            try Metrics.operatingPoint(
                try! LabeledScores(scores: [0.1, 0.2], labels: [0, 1]),
                maxFalsePositiveRate: 1.5))
    }
}

extension MetricsTests {
    func testEvaluationEncodesToJSON() throws {
        let c = Self.cases.first { $0.name == "random_n50" }!
        let e = BinaryEvaluation(try LabeledScores(scores: c.scores, labels: c.labels))
        let data = try JSONEncoder().encode(e)
        let back = try JSONDecoder().decode(BinaryEvaluation.self, from: data)
        XCTAssertEqual(back.averagePrecision, e.averagePrecision)
        XCTAssertEqual(back.atThreshold, e.atThreshold)
        XCTAssertEqual(back.bestBalancedAccuracy, e.bestBalancedAccuracy)
    }
}
