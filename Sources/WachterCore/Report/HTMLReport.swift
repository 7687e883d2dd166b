internal import Foundation
internal import Mustache

/// The HTML report: ``ReportView`` rendered through ``ReportTemplates/html`` with
/// swift-mustache, which escapes every value; the charts are SVG geometry computed
/// here and drawn by the template.
enum HTMLReport {
    static func render(_ report: Report) throws -> String {
        let template: MustacheTemplate
        do {
            template = try MustacheTemplate(string: ReportTemplates.html)
        } catch {
            throw WachterError(.invalidInput, "the HTML report template does not parse", cause: "\(error)")
        }
        return template.render(context(report))
    }

    static func context(_ report: Report) -> [String: Any] {
        let view = ReportView(report)
        var context: [String: Any] = [
            "title": view.title, "headline": view.empty ? view.headline : capitalized(view.headline), "empty": view.empty,
            "summary": view.summary, "generatedAt": ReportView.time(report.generatedAt),
            "sections": view.sections.map { section -> [String: Any] in
                var value: [String: Any] = [
                    "title": section.title, "accent": section.action ? "#c62828" : "#8a949e",
                    "groups": section.groups.map { group -> [String: Any] in
                        var value: [String: Any] = [
                            "columns": section.columns, "rows": group.rows.map { ["cells": $0] as [String: Any] },
                        ]
                        if let heading = group.heading { value["heading"] = heading }
                        return value
                    },
                ]
                if let note = section.note { value["note"] = note }
                if let more = section.more { value["more"] = more }
                return value
            },
        ]
        if report.activity.logins + report.activity.failed > 0 {
            context["activityChart"] = activityChart(report.activity)
        }
        if report.sites.known > 0 {
            context["expiryChart"] = expiryChart(report.sites.expiryWeeks)
        }
        return context
    }

    private static func capitalized(_ text: String) -> String { text.prefix(1).uppercased() + text.dropFirst() }

    // MARK: Charts

    private static let width = 640.0
    private static let height = 170.0
    private static let left = 30.0
    private static let top = 22.0
    private static let bottom = 20.0

    /// Two bars per day, logins and failed logins, on one scale.
    static func activityChart(_ activity: LoginActivity) -> [String: Any] {
        let days = activity.days
        let maximum = max(1, days.map { max($0.logins, $0.failed) }.max() ?? 1)
        let slot = (width - left - 8) / Double(max(1, days.count))
        let barWidth = max(1, min(18, slot * 0.38))
        let plotHeight = height - top - bottom
        let baseline = height - bottom
        var bars: [[String: Any]] = []
        var labels: [[String: Any]] = [["x": fmt(left - 14), "y": fmt(top + 8), "text": String(maximum)]]
        let labelEvery = max(1, Int((Double(days.count) / 14).rounded(.up)))
        for (index, day) in days.enumerated() {
            let center = left + slot * (Double(index) + 0.5)
            for (offset, value, fill, what) in [
                (-barWidth, day.logins, "#2f6fb3", "logins"), (0.0, day.failed, "#c62828", "failed logins"),
            ] {
                let barHeight = plotHeight * Double(value) / Double(maximum)
                bars.append([
                    "x": fmt(center + offset), "y": fmt(baseline - barHeight), "w": fmt(barWidth), "h": fmt(barHeight),
                    "fill": fill, "tip": "\(day.date): \(value) \(what)",
                ])
            }
            if index % labelEvery == 0 {
                labels.append(["x": fmt(center), "y": fmt(height - 6), "text": String(day.date.suffix(5))])
            }
        }
        return [
            "width": fmt(width), "height": fmt(height), "left": fmt(left), "right": fmt(width - 4), "baseline": fmt(baseline),
            "bars": bars, "labels": labels,
            "label": "Logins and failed logins per day: \(activity.logins) logins, \(activity.failed) failed",
            "legendX": fmt(width - 130), "legendTextX": fmt(width - 116), "legendX2": fmt(width - 70),
            "legendTextX2": fmt(width - 56),
        ]
    }

    /// One bar per coming week: how many certificates expire in it.
    static func expiryChart(_ weeks: [WeekExpiries]) -> [String: Any] {
        let chartHeight = 130.0
        let maximum = max(1, weeks.map(\.certificates).max() ?? 1)
        let slot = (width - left - 8) / Double(max(1, weeks.count))
        let barWidth = slot * 0.6
        let plotHeight = chartHeight - top - bottom
        let baseline = chartHeight - bottom
        var bars: [[String: Any]] = []
        var labels: [[String: Any]] = []
        for (index, week) in weeks.enumerated() {
            let center = left + slot * (Double(index) + 0.5)
            let barHeight = plotHeight * Double(week.certificates) / Double(maximum)
            bars.append([
                "x": fmt(center - barWidth / 2), "y": fmt(baseline - barHeight), "w": fmt(barWidth), "h": fmt(barHeight),
                "fill": index == 0 ? "#c62828" : index < 3 ? "#e09b1a" : "#2f6fb3",
                "tip": "week of \(week.weekStart): \(week.certificates) certificates",
            ])
            labels.append(["x": fmt(center), "y": fmt(chartHeight - 6), "text": "from " + String(week.weekStart.suffix(5))])
            labels.append(["x": fmt(center), "y": fmt(baseline - barHeight - 4), "text": String(week.certificates)])
        }
        return [
            "width": fmt(width), "height": fmt(chartHeight), "left": fmt(left), "right": fmt(width - 4),
            "baseline": fmt(baseline), "bars": bars, "labels": labels,
            "label": "Certificates expiring per week over the next \(weeks.count) weeks",
        ]
    }

    private static func fmt(_ value: Double) -> String { String(format: "%.1f", value) }
}
