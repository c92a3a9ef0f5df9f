// The shared provider suite against AWS Secrets Manager (moto's server), in both layouts.
import { awsEntryHarness, awsHarness } from './aws-harness';
import { describeProviderContract } from './provider-contract';

describeProviderContract(awsHarness);
describeProviderContract(awsEntryHarness);
