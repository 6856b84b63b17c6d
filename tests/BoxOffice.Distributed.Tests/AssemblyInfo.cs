using BoxOffice.Distributed.Tests.Support;

// Each test runs ten processes or more: one test at a time on a 2-core machine.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
[assembly: AssemblyFixture(typeof(SharedDeployment))]
