namespace BoxOffice.Contracts.Tickets;

/// <summary>
/// What <see cref="EventPublished.MinimumAge"/> means, in one place for the service that sells the
/// tickets and every service that reads the event: a buyer is admitted when their age on the
/// event's date, its UTC calendar day, is at least the minimum.
/// </summary>
public static class AgeRule
{
    /// <summary>
    /// Whether a buyer born on <paramref name="birthDate"/> may attend an event starting at
    /// <paramref name="eventStartsAt"/> with <paramref name="minimumAge"/>: anyone when the minimum
    /// is 0 (or less); nobody without a birth date otherwise, as no age can be shown.
    /// </summary>
    /// <param name="birthDate">The buyer's birth date, if known.</param>
    /// <param name="eventStartsAt">When the event starts; its UTC date is the day the age counts on.</param>
    /// <param name="minimumAge">The youngest age admitted.</param>
    /// <returns>True when the buyer is admitted.</returns>
    public static bool IsOldEnough(DateOnly? birthDate, DateTimeOffset eventStartsAt, int minimumAge) =>
        minimumAge <= 0
        || (birthDate is { } born && AgeOn(born, DateOnly.FromDateTime(eventStartsAt.UtcDateTime)) >= minimumAge);

    /// <summary>
    /// Completed years on <paramref name="day"/>: one more on each birthday. Someone born on
    /// 29 February has their birthday on 1 March in a common year, so they are never counted a
    /// year older a day early (the cautious reading where the laws differ).
    /// </summary>
    /// <param name="birthDate">The date of birth.</param>
    /// <param name="day">The day the age is asked for.</param>
    /// <returns>The age in whole years (negative for a day before the birth).</returns>
    public static int AgeOn(DateOnly birthDate, DateOnly day)
    {
        var age = day.Year - birthDate.Year;
        // Before the birthday in the year of the day: compare (month, day), so 28 February comes
        // before a 29 February birthday even when that year has no 29th.
        return day.Month < birthDate.Month || (day.Month == birthDate.Month && day.Day < birthDate.Day) ? age - 1 : age;
    }
}
