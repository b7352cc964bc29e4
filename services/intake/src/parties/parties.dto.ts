import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsString, Length, Matches, MaxLength } from 'class-validator';
import { REGISTERED_PARTY_TYPES, RegisteredPartyType } from './party.decider';

export class ChangePartyDetailsDto {
  @ApiProperty({ example: 'Northwind Metering Ltd' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty({ example: ['Northwind Metering'], description: 'Makes a manufacturer or CSP answers for; empty for others.' })
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  makes: string[] = [];
}

export class RegisterPartyDto extends ChangePartyDetailsDto {
  @ApiProperty({ example: 'MFR-NORTHWIND', description: 'The party id used in bearer tokens (`party` claim).' })
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, { message: 'partyId must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit' })
  partyId!: string;

  @ApiProperty({ enum: REGISTERED_PARTY_TYPES })
  @IsIn(REGISTERED_PARTY_TYPES)
  partyType!: RegisteredPartyType;
}

export class PartyView {
  @ApiProperty() partyId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: REGISTERED_PARTY_TYPES }) partyType!: RegisteredPartyType;
  @ApiProperty({ type: [String] }) makes!: string[];
  @ApiProperty() registeredAt!: string;
  @ApiProperty() updatedAt!: string;
  @ApiProperty({ description: 'Stream version: how many changes the party has had' }) version!: number;
}
