import { channelContract } from '../contract/channel-contract.ts';
import { useSlackWorld } from './slack-world.ts';

channelContract('slack', useSlackWorld);
