package dev.netrun.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The rows of the result table: each figure beside its baseline from the same run and its target. */
final class Results {

    /** The comparison of a row with its target: a ratio against the baseline, or the figure itself. */
    enum Goal { RATIO_AT_LEAST, RATIO_AT_MOST, VALUE_AT_LEAST, VALUE_AT_MOST, NONE }

    private record Row(String measurement, double value, String unit, String baselineName, double baseline,
            Goal goal, double target) {
    }

    private final List<Row> rows = new ArrayList<>();

    void add(String measurement, double value, String unit, String baselineName, double baseline, Goal goal,
            double target) {
        rows.add(new Row(measurement, value, unit, baselineName, baseline, goal, target));
        System.out.printf(Locale.ROOT, "  %s: %s %s%n", measurement, format(value), unit);
    }

    /** Prints the table in Markdown. */
    void print() {
        System.out.println("| measurement | netrun-pools | baseline | ratio | target | met |");
        System.out.println("|---|---:|---|---:|---|:---:|");
        for (Row row : rows) {
            boolean hasBaseline = row.baselineName != null;
            double ratio = hasBaseline ? row.value / row.baseline : Double.NaN;
            String baseline = hasBaseline ? row.baselineName + ": " + format(row.baseline) + " " + row.unit : "none";
            String target = switch (row.goal) {
                case RATIO_AT_LEAST -> "ratio ≥ " + format(row.target);
                case RATIO_AT_MOST -> "ratio ≤ " + format(row.target);
                case VALUE_AT_LEAST -> "≥ " + format(row.target) + " " + row.unit;
                case VALUE_AT_MOST -> "≤ " + format(row.target) + " " + row.unit;
                case NONE -> "";
            };
            boolean met = switch (row.goal) {
                case RATIO_AT_LEAST -> ratio >= row.target;
                case RATIO_AT_MOST -> ratio <= row.target;
                case VALUE_AT_LEAST -> row.value >= row.target;
                case VALUE_AT_MOST -> row.value <= row.target;
                case NONE -> true;
            };
            System.out.printf(Locale.ROOT, "| %s | %s %s | %s | %s | %s | %s |%n", row.measurement, format(row.value),
                    row.unit, baseline, hasBaseline ? String.format(Locale.ROOT, "%.2f", ratio) : "", target,
                    verdict(row.goal, met));
        }
    }

    private static String verdict(Goal goal, boolean met) {
        if (goal == Goal.NONE) {
            return "";
        }
        return met ? "yes" : "**no**";
    }

    static String format(double value) {
        if (Math.abs(value) >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        if (Math.abs(value) >= 10) {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        return String.format(Locale.ROOT, "%.2f", value);
    }
}
