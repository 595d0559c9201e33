import { TicketFiltersDto } from '../tickets/ticket.dto';

/** The queue's filters (GET /tickets), without the paging: an export is every ticket that matches. */
export class ExportQueryDto extends TicketFiltersDto {}
