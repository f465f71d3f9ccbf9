import { channelContract } from './channel-contract.ts';
import { useMemoryWorld } from './memory-world.ts';

channelContract('memory', useMemoryWorld);
