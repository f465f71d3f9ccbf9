import { readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { ContractCatalogue } from '../app/ports.ts';
import { DomainError } from '../domain/domain-error.ts';
import type { Contract } from '../domain/sla/contract.ts';
import { contractFromTerms, loadContract } from './load-contract.ts';
import { PRESETS } from './presets.ts';

/** The contracts a desk runs: the seed presets, plus the contract files an operator adds. */
export class LoadedContracts implements ContractCatalogue {
  private readonly byId = new Map<string, Contract>();

  constructor(contracts: Iterable<Contract> = []) {
    for (const terms of Object.values(PRESETS)) this.byId.set(terms.id, contractFromTerms(terms));
    for (const contract of contracts) this.byId.set(contract.terms.id, contract);
  }

  /** Presets plus every .json/.yaml/.yml file in `dir`; a bad file stops start-up with its reason. */
  static async fromDirectory(dir: string | undefined): Promise<LoadedContracts> {
    if (!dir) return new LoadedContracts();
    const files = (await readdir(dir)).filter((name) =>
      ['.json', '.yaml', '.yml'].includes(extname(name).toLowerCase()),
    );
    const contracts = await Promise.all(files.sort().map((name) => loadContract(join(dir, name))));
    return new LoadedContracts(contracts);
  }

  contract(contractId: string): Contract {
    const contract = this.byId.get(contractId);
    if (!contract) throw new DomainError('unknownContract', { contract: contractId });
    return contract;
  }

  ids(): string[] {
    return [...this.byId.keys()];
  }
}
