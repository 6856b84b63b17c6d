namespace BoxOffice.LoadTest.Reporting;

/// <summary>One pass condition or target: what it asks, whether it held, and the figure it was judged on.</summary>
internal sealed record Check(string Name, bool Passed, string Figure)
{
    public string Mark => Passed ? "pass" : "FAIL";
}

/// <summary>A target of the issue: reported met or missed, never a reason to fail the run.</summary>
internal sealed record Goal(string Name, bool? Met, string Figure)
{
    public string Mark => Met switch { true => "met", false => "missed", null => "n/a" };
}
