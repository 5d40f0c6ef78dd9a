package dev.neuronscribe.study;

/**
 * Writing the study's CSV exports (Table 5, answers). Reading CSV is evaluate's {@link
 * dev.neuronscribe.evaluate.Csv}; this adds what an export of untrusted text needs and evaluate's
 * writer does not do: a guard against spreadsheet formulas.
 */
final class CsvFields {
  private CsvFields() {}

  /** One field, quoted when it must be. Fields starting with = + - @ are prefixed with ' so that a
   *  spreadsheet opening the export does not run them as formulas (explanations are untrusted text). */
  static String field(String s) {
    String v = !s.isEmpty() && "=+-@".indexOf(s.charAt(0)) >= 0 && !isNumber(s) ? "'" + s : s;
    if (v.indexOf(',') < 0 && v.indexOf('"') < 0 && v.indexOf('\n') < 0 && v.indexOf('\r') < 0) return v;
    return "\"" + v.replace("\"", "\"\"") + "\"";
  }

  static boolean isNumber(String s) {
    try {
      Double.parseDouble(s);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
