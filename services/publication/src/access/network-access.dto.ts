import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean } from 'class-validator';

export class AllNetworkPartiesDto {
  @ApiProperty({ example: true, description: 'true: every network party reads the published items; false: only those added by name' })
  @IsBoolean()
  allNetworkParties!: boolean;
}

/** No body: the path names the party. A body with fields is refused, so a mistaken one is not silently ignored. */
export class EmptyDto {}

export class NetworkAccessChange {
  @ApiProperty({ nullable: true, type: String, description: 'The party changed; null for the switch' }) partyId!: string | null;
  @ApiProperty({ description: 'Whether the party (or, for the switch, every network party) now has access by this grant' }) granted!: boolean;
  @ApiProperty() allNetworkParties!: boolean;
  @ApiProperty({ type: [String], description: 'The events recorded: empty when the request changed nothing' }) recorded!: string[];
}

export class NetworkPartyView {
  @ApiProperty({ example: 'NET-ED-1' }) partyId!: string;
  @ApiProperty({ format: 'date-time' }) grantedAt!: string;
}

export class NetworkAccessList {
  @ApiProperty() allNetworkParties!: boolean;
  @ApiProperty({ type: [NetworkPartyView], description: 'Network parties added by name, in party id order' }) parties!: NetworkPartyView[];
}
