/// Shared argument checks of the element-wise losses.
enum LossSupport {
    static func check(_ name: String, _ prediction: [Int], _ target: [Int]) throws {
        let count = prediction.reduce(1, *)
        guard prediction == target, count > 0 else {
            throw NNError.badShape("\(name): prediction \(prediction) and target \(target) must match and be non-empty")
        }
    }
}
