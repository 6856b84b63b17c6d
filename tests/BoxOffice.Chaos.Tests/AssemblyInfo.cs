using BoxOffice.Distributed.Tests.Support;

// Each scenario loads the machine (a host killed 4 times, a dozen processes, a broker or database
// stopped): one at a time on a 2-core machine.
[assembly: Xunit.v3.Parallelization(Mode = Xunit.Sdk.ParallelMode.None)]
[assembly: AssemblyFixture(typeof(SharedDeployment))]
