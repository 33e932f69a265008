package io.werken.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.werken.expression.EvaluationLimits;
import io.werken.expression.ExpressionCompiler;
import io.werken.settings.Settings;
import io.werken.workflow.ActionPlanner;
import io.werken.workflow.CurrentWorkflows;
import io.werken.workflow.SecretResolver;
import io.werken.workflow.WorkflowCatalog;
import io.werken.workflow.WorkflowsFile;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;

/**
 * The workflows in use, first loaded from {@code WERKEN_WORKFLOWS} with the workflow language's limits (reloads come
 * later, from {@link WorkflowReloadConfiguration}), and the planner that evaluates their actions for an event.
 */
@Configuration
public class WorkflowsConfiguration implements CamelConfiguration {

    private WorkflowCatalog.Settings catalogSettings;

    @BindToRegistry
    public WorkflowCatalog.Settings workflowSettings(Settings settings, ExpressionCompiler expressionCompiler) {
        return catalogSettings(settings, expressionCompiler);
    }

    /**
     * The first load, with the same catalog settings as every later reload: built once, here, whichever of this
     * configuration's methods Camel binds first (it binds them in no fixed order).
     */
    @BindToRegistry
    public CurrentWorkflows currentWorkflows(
            Settings settings, ExpressionCompiler expressionCompiler, CamelContext context) {
        return new CurrentWorkflows(WorkflowsFile.load(
                settings.workflows().location(), context, catalogSettings(settings, expressionCompiler)));
    }

    private synchronized WorkflowCatalog.Settings catalogSettings(
            Settings settings, ExpressionCompiler expressionCompiler) {
        if (catalogSettings == null) {
            catalogSettings = new WorkflowCatalog.Settings(
                    SecretResolver.fromEnvironment(),
                    expressionCompiler,
                    WorkflowCatalog.Settings.reservedQueues(settings));
        }
        return catalogSettings;
    }

    /** What one event's expressions may spend: the workflow language's bounds, and the journal search's. */
    @BindToRegistry
    public EvaluationLimits evaluationLimits(Settings settings) {
        Settings.Workflows workflows = settings.workflows();
        return new EvaluationLimits(
                workflows.maxEvaluationSteps(), workflows.maxEvaluationBytes(), workflows.maxEvaluationMs());
    }

    @BindToRegistry
    public ActionPlanner actionPlanner(ObjectMapper werkenJson, Settings settings, EvaluationLimits evaluationLimits) {
        return new ActionPlanner(werkenJson, settings.workflows().maxParamsBytes(), evaluationLimits);
    }
}
