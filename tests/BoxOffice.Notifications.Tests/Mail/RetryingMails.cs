namespace BoxOffice.Notifications.Tests.Mail;

/// <summary>The wait between attempts at a mail, without a host.</summary>
public sealed class RetryingMails
{
    [Fact]
    public void The_wait_doubles_from_the_first_delay_up_to_the_cap()
    {
        var options = new NotificationsOptions { RetryDelay = TimeSpan.FromSeconds(1), MaxRetryDelay = TimeSpan.FromSeconds(10) };

        Enumerable.Range(1, 6).Select(options.BackoffAfter).Select(d => d.TotalSeconds).ShouldBe([1, 2, 4, 8, 10, 10]);
        options.BackoffAfter(10_000).ShouldBe(TimeSpan.FromSeconds(10));
    }
}
