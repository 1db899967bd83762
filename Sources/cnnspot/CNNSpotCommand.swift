import ArgumentParser
import CNNSpot

@main
struct CNNSpotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cnnspot",
        abstract: "Spot CNN-generated images (Wang et al., CVPR 2020) natively on a CPU.",
        version: CNNSpotVersion.string,
        // One per line, so branches adding commands merge cleanly.
        subcommands: [
            DetectCommand.self,
            TransformCommand.self,
            ConvertCommand.self,
            InfoCommand.self,
            BenchCommand.self,
            BenchPipelineCommand.self,
            EvalCommand.self,
            RobustnessCommand.self,
            SpectrumCommand.self,
            CalibrateCommand.self,
            TrainCommand.self,
            ServeCommand.self,
        ])

    static func main() {
        OpenMPWaitPolicy.preferPassive()
        main(nil)
    }
}
