using System.Globalization;
using BoxOffice.Contracts.Tickets;

namespace BoxOffice.Contracts.Tests.Tickets;

/// <summary>The minimum age of an event, as Tickets sells by it and Recommendations suggests by it.</summary>
public sealed class AdmittingByAge
{
    private static DateOnly Date(string value) => DateOnly.Parse(value, CultureInfo.InvariantCulture);

    private static DateTimeOffset At(string value) => DateTimeOffset.Parse(value, CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("2008-12-24", true)]  // 18 on the event's day
    [InlineData("2008-12-25", false)] // 18 the day after
    [InlineData("2008-12-23", true)]  // 18 the day before
    [InlineData("1950-01-01", true)]
    public void The_age_counts_on_the_event_day_a_birthday_that_day_included(string born, bool admitted) =>
        AgeRule.IsOldEnough(Date(born), At("2026-12-24T20:00:00Z"), 18).ShouldBe(admitted);

    [Theory]
    [InlineData("2026-12-24T23:30:00Z", false)] // still the 24th in UTC
    [InlineData("2026-12-25T00:30:00Z", true)]  // the 25th in UTC …
    [InlineData("2026-12-24T23:30:00-02:00", true)] // … also when written in another offset
    public void The_event_day_is_its_UTC_calendar_day(string startsAt, bool admitted) =>
        AgeRule.IsOldEnough(Date("2008-12-25"), At(startsAt), 18).ShouldBe(admitted);

    [Theory]
    [InlineData("2026-02-28", 17)] // a common year: no 29 February, the birthday is 1 March
    [InlineData("2026-03-01", 18)]
    [InlineData("2028-02-28", 19)] // a leap year: the birthday is the 29th itself
    [InlineData("2028-02-29", 20)]
    public void Someone_born_on_a_leap_day_is_a_year_older_from_1_March_in_a_common_year(string day, int age) =>
        AgeRule.AgeOn(Date("2008-02-29"), Date(day)).ShouldBe(age);

    [Fact]
    public void Born_on_a_leap_day_they_are_refused_on_28_February_and_admitted_on_1_March()
    {
        var born = Date("2008-02-29");

        AgeRule.IsOldEnough(born, At("2026-02-28T21:00:00Z"), 18).ShouldBeFalse();
        AgeRule.IsOldEnough(born, At("2026-03-01T21:00:00Z"), 18).ShouldBeTrue();
    }

    [Fact]
    public void Born_on_28_February_they_are_a_year_older_on_28_February_in_every_year()
    {
        AgeRule.AgeOn(Date("2008-02-28"), Date("2026-02-27")).ShouldBe(17);
        AgeRule.AgeOn(Date("2008-02-28"), Date("2026-02-28")).ShouldBe(18);
        AgeRule.AgeOn(Date("2008-02-28"), Date("2028-02-28")).ShouldBe(20);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Without_a_minimum_age_anyone_is_admitted_even_without_a_birth_date(int minimumAge)
    {
        AgeRule.IsOldEnough(null, At("2026-12-24T20:00:00Z"), minimumAge).ShouldBeTrue();
        AgeRule.IsOldEnough(Date("2026-12-01"), At("2026-12-24T20:00:00Z"), minimumAge).ShouldBeTrue();
    }

    [Fact]
    public void With_a_minimum_age_nobody_without_a_birth_date_is_admitted() =>
        AgeRule.IsOldEnough(null, At("2026-12-24T20:00:00Z"), 1).ShouldBeFalse();

    [Fact]
    public void A_birth_after_the_event_is_no_age_at_all() =>
        AgeRule.AgeOn(Date("2027-01-01"), Date("2026-12-24")).ShouldBe(-1);
}
