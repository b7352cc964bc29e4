import { Controller, Get, Header } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Authorize } from '@smi/auth';
import { PROMETHEUS_CONTENT_TYPE, prometheusText } from '@smi/telemetry';

/**
 * Prometheus's scrape, on the service's own port and behind its authentication like every other route: the figures
 * (backlogs, overdue counts, dead letters) are DCC's operational data. Prometheus sends a DCC token from a file
 * (`authorization.credentials_file`, infra/observability/prometheus.yml).
 */
@ApiTags('operations')
@Controller('metrics')
export class MetricsController {
  @Get()
  @Authorize({ partyTypes: ['dcc'] })
  @Header('content-type', PROMETHEUS_CONTENT_TYPE)
  @ApiProduces(PROMETHEUS_CONTENT_TYPE)
  @ApiOperation({ summary: "The service's metrics in Prometheus's text format (docs/runbook.md, Metrics and alerts)" })
  metrics(): Promise<string> {
    return prometheusText();
  }
}
