using System.Text;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace BoxOffice.Web.Tests.Support;

/// <summary>What the journeys do on every main page: check it with axe-core, save a screenshot, sign in.</summary>
public static class Pages
{
    private static readonly Lazy<string> ScreenshotFolder = new(() =>
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "BoxOffice.slnx")))
        {
            folder = folder.Parent;
        }

        var path = Path.Combine(folder?.FullName ?? Path.GetTempPath(), "artifacts", "screenshots");
        Directory.CreateDirectory(path);
        return path;
    });

    /// <summary>
    /// Runs axe-core (embedded in Deque.AxeCore.Commons: nothing is fetched) on the page and fails on
    /// any violation of WCAG 2.0/2.1 A and AA rules: an unlabelled control, an image without alt text,
    /// too little contrast, a missing landmark or page language.
    /// </summary>
    public static async Task AccessibleAsync(this IPage page)
    {
        var result = await page.RunAxe(new AxeRunOptions
        {
            RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
        });
        if (result.Violations.Length == 0)
        {
            return;
        }

        var report = new StringBuilder($"{page.Url} has accessibility violations:\n");
        foreach (var violation in result.Violations)
        {
            report.Append("- ").Append(violation.Id).Append(" (").Append(violation.Impact).Append("): ").Append(violation.Help).Append('\n');
            foreach (var node in violation.Nodes.Take(5))
            {
                report.Append("    ").Append(node.Target).Append(": ").Append(node.Html).Append('\n');
            }
        }

        Assert.Fail(report.ToString());
    }

    /// <summary>Saves a full-page screenshot as <c>artifacts/screenshots/{name}.png</c>.</summary>
    public static Task ScreenshotAsync(this IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotFolder.Value, name + ".png"), FullPage = true });

    /// <summary>Signs in through the sign-in page, as a person does.</summary>
    public static async Task SignInAsync(this IPage page, string email, string password)
    {
        await page.GotoAsync("/account/login");
        await page.GetByLabel("E-mail").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
    }

    /// <summary>Marks the document, so a later check can tell it was never reloaded.</summary>
    public static Task MarkAsync(this IPage page) => page.EvaluateAsync("() => { window.__notReloaded = true; }");

    public static async Task<bool> StillMarkedAsync(this IPage page) => await page.EvaluateAsync<bool>("() => window.__notReloaded === true");
}
