'use strict';
/** Plain-text tables for the bench's printed results (names left-aligned, numbers right-aligned). */

function table(title, columns, rows) {
	const cells = rows.map((row) => columns.map((column) => String(column.value(row))));
	const widths = columns.map((column, i) => Math.max(column.header.length, ...cells.map((line) => line[i].length)));
	const line = (values) => values.map((value, i) => (i === 0 ? value.padEnd(widths[i]) : value.padStart(widths[i]))).join('  ');
	return [title, line(columns.map((column) => column.header)), widths.map((width) => '-'.repeat(width)).join('  '), ...cells.map(line), ''].join('\n');
}

const number = (value) => (typeof value === 'number' ? value.toLocaleString('en-US') : String(value));

module.exports = { number, table };
