/**
 * Where the GPUs come from, for Deploy Model and Manage > Deployment Resource Pool > Create alike: the Compute Engine
 * reservations the replicas may use, and how many replicas must run for the deploy (or pool) to succeed.
 */
import type { INodeProperties } from 'n8n-workflow';

import { RESERVATION_AFFINITY_TYPES, RESERVATION_NAME, RESERVATION_NAME_LABEL } from '../../lib';
import type { ParameterReader } from './read';

/** The Required Replicas option. */
export const requiredReplicasOption: INodeProperties = {
	displayName: 'Required Replicas',
	name: 'requiredReplicaCount',
	type: 'number',
	typeOptions: { minValue: 1, numberPrecision: 0 },
	default: 1,
	description: 'The deploy succeeds once this many replicas run (the others keep being retried); at most Max Replicas. Default: Min Replicas.',
};

/** The reservation affinities the core takes (ReservationAffinity.Type without its UNSPECIFIED). */
type ReservationAffinityType = (typeof RESERVATION_AFFINITY_TYPES)[number];

/** The choices of the Reservation option, one per affinity the core takes (a missing or unknown one fails to compile). */
const RESERVATION_CHOICES: Record<ReservationAffinityType, { name: string; description: string }> = {
	ANY_RESERVATION: { name: 'Any Reservation', description: 'Use a matching reservation when there is one, else on-demand capacity' },
	SPECIFIC_RESERVATION: { name: 'Specific Reservations', description: 'Only the reservations named in Reservation Names' },
	NO_RESERVATION: { name: 'No Reservation', description: 'On-demand capacity only' },
};

/** The Reservation and Reservation Names options (in this order, as the editor sorts them). */
export const reservationOptions: INodeProperties[] = [
	{
		displayName: 'Reservation',
		name: 'reservationAffinity',
		type: 'options',
		options: Object.entries(RESERVATION_CHOICES).map(([value, choice]) => ({ ...choice, value })),
		default: 'ANY_RESERVATION',
		description: 'Which Compute Engine reservations the replicas may use (the reservation must match machine type and accelerators)',
	},
	{
		displayName: 'Reservation Names',
		name: 'reservationNames',
		type: 'string',
		default: '',
		placeholder: 'e.g. projects/my-project/zones/us-central1-a/reservations/my-h100s',
		description: "For Specific Reservations: the reservations' full names, comma-separated",
	},
];

/** The Reservation options under `options` (a collection's path): only sent when added; specific reservations by the names given. */
export function reservationOf(read: ParameterReader, i: number, options = 'options') {
	const namesPath = `${options}.reservationNames`;
	const affinityPath = `${options}.reservationAffinity`;
	const names = read
		.text(i, namesPath)
		.split(',')
		.map((name) => name.trim())
		.filter(Boolean);
	for (const name of names) read.checkText(i, namesPath, name, RESERVATION_NAME);
	if (!read.isSet(i, affinityPath)) {
		if (names.length > 0) throw read.error(i, namesPath, `${read.where(namesPath)} needs "Reservation" set to "Specific Reservations".`);
		return undefined;
	}
	const type = read.option<ReservationAffinityType>(i, affinityPath);
	if (type !== 'SPECIFIC_RESERVATION') return { reservationAffinityType: type, ...(names.length ? { values: names } : {}) };
	return { reservationAffinityType: type, key: RESERVATION_NAME_LABEL, values: names };
}
