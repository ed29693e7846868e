import ConfluenceKM
import Foundation

/// Every line the commands print goes through here: values from an export (titles, labels, space names, messages
/// that quote them) reach the terminal with their control characters shown escaped (``TerminalText``), so a crafted
/// export cannot send escape sequences to the admin's terminal. Newlines and tabs of whole lines are kept.
enum Console {
    static func out(_ text: String, terminator: String = "\n") {
        FileHandle.standardOutput.write(Data((TerminalText.safe(text) + terminator).utf8))
    }

    static func err(_ text: String) {
        FileHandle.standardError.write(Data(TerminalText.safe(text).utf8))
    }
}
