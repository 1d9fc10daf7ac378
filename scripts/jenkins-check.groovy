// Groovy syntax check of Jenkinsfiles (make jenkins-check): compiles each file with
// Groovy's own parser, which catches what scripts/jenkins-check.py cannot (unbalanced
// braces or quotes, a bad token). Method calls stay unresolved, as in Jenkins before
// the pipeline plugins bind them. Usage: groovy scripts/jenkins-check.groovy FILE...
// Exit 1 if any file does not compile.
import org.codehaus.groovy.control.CompilerConfiguration
import org.codehaus.groovy.control.MultipleCompilationErrorsException

int failed = 0
args.each { path ->
    try {
        new GroovyShell(new CompilerConfiguration()).parse(new File(path).text, 'Jenkinsfile')
        println "jenkins-check: ${path}: Groovy syntax ok"
    } catch (MultipleCompilationErrorsException e) {
        def lines = e.message.readLines().findAll { it.trim() && !it.startsWith('startup failed') }
        println "jenkins-check: ${path}: Groovy syntax error: " + lines.take(2)*.trim().join(' ')
        failed++
    }
}
System.exit(failed ? 1 : 0)
