/// The mustache templates of the HTML report.
///
/// They are kept as text in the library, not as files beside the binary, so that an
/// installed `wachter` cannot lose them. Every `{{name}}` is escaped for HTML by
/// swift-mustache; no template uses the unescaped triple-brace or ampersand form
/// (grep the file to confirm), so nothing from the store reaches the page as markup.
enum ReportTemplates {
    /// The whole HTML document. Inline CSS only: mail clients drop `<style>` blocks
    /// and external sheets. Tables lay out the page, as mail clients expect.
    static let html = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}}</title>
        </head>
        <body style="margin:0;padding:0;background:#f4f5f7;color:#1d2129;font-family:Helvetica,Arial,sans-serif;font-size:14px;line-height:1.4;">
        <table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f4f5f7;">
        <tr><td align="center" style="padding:16px 8px;">
        <table role="presentation" width="720" cellpadding="0" cellspacing="0" style="max-width:720px;width:100%;background:#ffffff;border:1px solid #dde1e6;">
        <tr><td style="padding:16px 20px;background:#22303c;color:#ffffff;">
        <div style="font-size:12px;color:#c9d3dc;">{{title}}</div>
        <div style="font-size:20px;font-weight:bold;">{{headline}}</div>
        </td></tr>
        {{^empty}}
        <tr><td style="padding:12px 20px 0 20px;">
        {{#summary}}<div style="margin:2px 0;">{{.}}</div>{{/summary}}
        </td></tr>
        {{#activityChart}}
        <tr><td style="padding:12px 20px 0 20px;">
        <div style="font-weight:bold;margin-bottom:4px;">Logins per day</div>
        <svg xmlns="http://www.w3.org/2000/svg" width="{{width}}" height="{{height}}" viewBox="0 0 {{width}} {{height}}" role="img" aria-label="{{label}}" style="display:block;max-width:100%;height:auto;">
        <title>{{label}}</title>
        <line x1="{{left}}" y1="{{baseline}}" x2="{{right}}" y2="{{baseline}}" stroke="#8a949e" stroke-width="1"/>
        {{#bars}}<rect x="{{x}}" y="{{y}}" width="{{w}}" height="{{h}}" fill="{{fill}}"><title>{{tip}}</title></rect>
        {{/bars}}
        {{#labels}}<text x="{{x}}" y="{{y}}" font-size="10" fill="#56606b" text-anchor="middle" font-family="Helvetica,Arial,sans-serif">{{text}}</text>
        {{/labels}}
        <rect x="{{legendX}}" y="4" width="10" height="10" fill="#2f6fb3"/><text x="{{legendTextX}}" y="13" font-size="11" fill="#1d2129" font-family="Helvetica,Arial,sans-serif">logins</text>
        <rect x="{{legendX2}}" y="4" width="10" height="10" fill="#c62828"/><text x="{{legendTextX2}}" y="13" font-size="11" fill="#1d2129" font-family="Helvetica,Arial,sans-serif">failed</text>
        </svg>
        </td></tr>
        {{/activityChart}}
        {{#expiryChart}}
        <tr><td style="padding:12px 20px 0 20px;">
        <div style="font-weight:bold;margin-bottom:4px;">Certificates expiring per week</div>
        <svg xmlns="http://www.w3.org/2000/svg" width="{{width}}" height="{{height}}" viewBox="0 0 {{width}} {{height}}" role="img" aria-label="{{label}}" style="display:block;max-width:100%;height:auto;">
        <title>{{label}}</title>
        <line x1="{{left}}" y1="{{baseline}}" x2="{{right}}" y2="{{baseline}}" stroke="#8a949e" stroke-width="1"/>
        {{#bars}}<rect x="{{x}}" y="{{y}}" width="{{w}}" height="{{h}}" fill="{{fill}}"><title>{{tip}}</title></rect>
        {{/bars}}
        {{#labels}}<text x="{{x}}" y="{{y}}" font-size="10" fill="#56606b" text-anchor="middle" font-family="Helvetica,Arial,sans-serif">{{text}}</text>
        {{/labels}}
        </svg>
        </td></tr>
        {{/expiryChart}}
        {{#sections}}
        <tr><td style="padding:16px 20px 0 20px;">
        <div style="border-left:4px solid {{accent}};padding-left:10px;">
        <div style="font-size:16px;font-weight:bold;margin:0 0 4px 0;">{{title}}</div>
        {{#note}}<div style="color:#56606b;margin:0 0 6px 0;">{{note}}</div>{{/note}}
        </div>
        {{#groups}}
        {{#heading}}<div style="font-weight:bold;margin:8px 0 2px 0;">{{heading}}</div>{{/heading}}
        <table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse;font-size:13px;">
        <tr>{{#columns}}<th align="left" style="padding:4px 6px;border-bottom:1px solid #dde1e6;color:#56606b;font-weight:normal;">{{.}}</th>{{/columns}}</tr>
        {{#rows}}<tr>{{#cells}}<td style="padding:4px 6px;border-bottom:1px solid #eef0f2;word-break:break-word;">{{.}}</td>{{/cells}}</tr>
        {{/rows}}
        </table>
        {{/groups}}
        {{#more}}<div style="color:#56606b;margin-top:4px;">{{more}}</div>{{/more}}
        </td></tr>
        {{/sections}}
        {{/empty}}
        <tr><td style="padding:16px 20px;color:#8a949e;font-size:11px;">Made by wachter at {{generatedAt}}. This report holds no passwords and no password hashes.</td></tr>
        </table>
        </td></tr>
        </table>
        </body>
        </html>

        """
}
