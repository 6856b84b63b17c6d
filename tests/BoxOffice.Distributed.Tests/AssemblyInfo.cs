using BoxOffice.Distributed.Tests.Support;

// Each test runs ten processes or more: one test at a time on a 2-core machine.
[assembly: Xunit.v3.Parallelization(Mode = Xunit.Sdk.ParallelMode.None)]
[assembly: AssemblyFixture(typeof(SharedDeployment))]
